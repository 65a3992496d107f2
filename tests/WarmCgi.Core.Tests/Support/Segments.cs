using System.Buffers;

namespace WarmCgi.Tests.Support;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> out of several segments, the way a pipe hands over data.</summary>
internal static class Segments
{
    /// <summary>One segment per piece; pieces may be empty.</summary>
    public static ReadOnlySequence<byte> Of(params byte[][] pieces)
    {
        if (pieces.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(pieces[0], 0);
        var last = first;
        for (int i = 1; i < pieces.Length; i++)
        {
            last = last.Append(pieces[i]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> into segments of <paramref name="size"/> bytes.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int size)
    {
        var pieces = new List<byte[]>();
        for (int i = 0; i < data.Length; i += size)
        {
            pieces.Add(data[i..Math.Min(data.Length, i + size)]);
        }
        if (pieces.Count == 0)
        {
            pieces.Add([]);
        }
        return Of([.. pieces]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
