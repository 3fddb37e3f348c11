(**
---
title: Saving and loading
category: Guide
categoryindex: 1
index: 9
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Saving and loading

Hybrid saves tensors as [safetensors](https://github.com/huggingface/safetensors): an 8-byte
header length, a JSON header (dtype, shape and byte range of each tensor, plus string
metadata), then the raw little-endian data. The files load in Python with
`safetensors.torch.load_file`, and Hybrid loads files written by PyTorch (F16 and BF16 load as
float32). Files are written atomically (a temporary file, flushed, then renamed) and read as
untrusted input: a malformed file throws `InvalidDataException`.

* `Torch.Save(stateDict, path)` and `Torch.Load(path)` save and load a dictionary of tensors,
  such as a model's `StateDict()`.
* `Hybrid.IO.SafeTensors` reads and writes files, streams and bytes, with metadata.
* `Hybrid.IO.Checkpoint` keeps a whole training state in one safetensors file: the model, the
  optimizer's tensors and scalars, the epoch and the random generators' states.

## In C#
*)
(*** hide ***)
Docs.csharp "examples/Guide/Saving.cs" "save-load"
(*** include-it-raw ***)
(*** hide ***)
Docs.run "Guide" "saving" |> Docs.output
(*** include-it-raw ***)

(**
## In F#, and what is in the file
*)
open System.IO
open System.Text
open Hybrid
open Hybrid.NN

Tensor.manualSeed 0L
let model = new Linear(3, 2)
let path = Path.Combine(Path.GetTempPath(), "linear.safetensors")
Torch.Save(model.StateDict(), path)

let restored = new Linear(3, 2)
restored.LoadStateDict(Torch.Load path)
let same = restored.weight.Equal(model.weight)
(*** include-value: same ***)

(** The header is plain JSON: *)
let header =
    let bytes = File.ReadAllBytes path
    let length = int (System.BitConverter.ToUInt64(bytes, 0))
    Encoding.UTF8.GetString(bytes, 8, length).TrimEnd()
File.Delete path
(*** include-value: header ***)
