using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Hybrid.Data;

/// <summary>
/// Loads batches 0..count−1 on worker threads ahead of the consumer and hands them out in
/// order. At most <c>capacity</c> batches are loading or waiting at a time (a permit is taken
/// before a batch is claimed and returned when the consumer takes it). A failed batch rethrows
/// its exception, with its original stack, when the consumer reaches it.
/// </summary>
internal sealed class OrderedPrefetcher<TBatch> : IEnumerator<TBatch>
{
    readonly Func<int, int, TBatch> _load;   // (batch index, worker id) → batch
    readonly TaskCompletionSource<TBatch>?[] _results;
    readonly SemaphoreSlim _permits;
    readonly CancellationTokenSource _cancel = new();
    readonly Task[] _workers;
    int _next = -1;     // last claimed batch index
    int _position = -1;
    TBatch _current = default!;

    public OrderedPrefetcher(int count, int workers, int capacity, Func<int, int, TBatch> load)
    {
        _load = load;
        _results = new TaskCompletionSource<TBatch>?[count];
        for (var i = 0; i < count; i++) _results[i] = new TaskCompletionSource<TBatch>();
        _permits = new SemaphoreSlim(Math.Max(capacity, workers));
        _workers = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var id = w;
            _workers[w] = Task.Factory.StartNew(() => Work(id), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    void Work(int workerId)
    {
        var token = _cancel.Token;
        while (true)
        {
            try { _permits.Wait(token); }
            catch (OperationCanceledException) { return; }
            var i = Interlocked.Increment(ref _next);
            if (i >= _results.Length) return;
            var slot = _results[i]!;
            try { slot.SetResult(_load(i, workerId)); }
            catch (Exception e) { slot.SetException(e); }
            if (token.IsCancellationRequested) return;
        }
    }

    public TBatch Current => _current;
    object? System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        if (_position + 1 >= _results.Length) { _position = _results.Length; return false; }
        _position++;
        var slot = _results[_position]!;
        _current = slot.Task.GetAwaiter().GetResult();   // rethrows a worker's exception as thrown
        _results[_position] = null;    // only now: the worker that claimed it is done with the slot
        _permits.Release();
        return true;
    }

    public void Reset() => throw new NotSupportedException("start a new epoch with GetEnumerator()");

    public void Dispose()
    {
        _cancel.Cancel();
        try { Task.WaitAll(_workers); } catch (AggregateException) { }
        _cancel.Dispose();
        _permits.Dispose();
    }
}

/// <summary>Runs a lazy sequence on one background thread, up to <c>capacity</c> items ahead.</summary>
internal sealed class BackgroundEnumerator<T> : IEnumerator<T>
{
    readonly BlockingCollection<T> _queue;
    readonly CancellationTokenSource _cancel = new();
    readonly Task _producer;
    ExceptionDispatchInfo? _error;
    T _current = default!;

    public BackgroundEnumerator(IEnumerable<T> source, int capacity)
    {
        _queue = new BlockingCollection<T>(Math.Max(1, capacity));
        _producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var item in source)
                    _queue.Add(item, _cancel.Token);
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested) { }
            catch (Exception e) { _error = ExceptionDispatchInfo.Capture(e); }
            finally { _queue.CompleteAdding(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public T Current => _current;
    object? System.Collections.IEnumerator.Current => _current;

    public bool MoveNext()
    {
        if (_queue.TryTake(out var item, Timeout.Infinite)) { _current = item; return true; }
        _error?.Throw();   // the producer has finished: rethrow its failure after the good items
        return false;
    }

    public void Reset() => throw new NotSupportedException("start a new epoch with GetEnumerator()");

    public void Dispose()
    {
        _cancel.Cancel();
        try { _producer.Wait(); } catch (AggregateException) { }
        _cancel.Dispose();
        _queue.Dispose();
    }
}
