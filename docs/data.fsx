(**
---
title: Data loading
category: Guide
categoryindex: 1
index: 7
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Data loading

`Hybrid.Data` follows `torch.utils.data`: a `Dataset<T>` has a `Count` and an indexer (an
`IterableDataset<T>` only enumerates); a `DataLoader` draws indices from a sampler
(sequential, or shuffled with its own `Generator`), groups them into batches and collates the
items: tensors are stacked along a new first dimension, tuples and arrays position by
position. Loaders can prefetch with worker threads (`numWorkers`), drop the last partial batch
(`dropLast`), or take a custom `Sampler`, `BatchSampler` (`WeightedRandomSampler`, ...) or
collate function. `Dataset.RandomSplit`, `Subset` and `ConcatDataset` compose data sets;
`Hybrid.Vision` has MNIST/FashionMNIST readers and the usual transforms.

## Tensors in memory

`TensorDataset` indexes several tensors along their first dimension; its batches unpack
into one tensor per position:
*)
(*** hide ***)
Docs.csharp "examples/Guide/Data.cs" "tensor-dataset"
(*** include-it-raw ***)

(**
## A data set of your own

Subclass `Dataset<T>` with the item type you want, and the loader's default collate stacks
its parts:
*)
(*** hide ***)
Docs.csharp "examples/Guide/Data.cs" "dataset"
(*** include-it-raw ***)
(*** hide ***)
Docs.csharp "examples/Guide/Data.cs" "custom-dataset"
(*** include-it-raw ***)
(** Running both prints: *)
(*** hide ***)
Docs.run "Guide" "data" |> Docs.output
(*** include-it-raw ***)

(**
## In F#

A loader is an `IEnumerable` of batches, so F# sequence functions apply:
*)
open Hybrid
open Hybrid.Data

let features = Tensor.arange 8.0 |> Tensor.toDType DType.Float32 |> Tensor.reshape [ 4; 2 ]
let labels = Tensor.ofArray [ 4 ] [| 0.f; 1.f; 1.f; 0.f |]
let loader = new DataLoader(new TensorDataset(features, labels), batchSize = 2)

let batchShapes = [ for batch in loader -> batch |> Array.map (fun t -> t.Shape) ]
(*** include-value: batchShapes ***)
