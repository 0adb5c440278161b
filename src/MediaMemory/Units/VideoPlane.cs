namespace MediaMemory.Units;

/// <summary>One plane of a video frame's memory layout.</summary>
/// <param name="WidthSamples">Samples per row (luma pixels, or CbCr pairs for a chroma plane).</param>
/// <param name="Rows">Rows of the plane.</param>
/// <param name="StrideBytes">Bytes from one row to the next, aligned.</param>
/// <param name="OffsetBytes">Offset of the plane from the frame's start, in bytes.</param>
public readonly record struct VideoPlane(int WidthSamples, int Rows, long StrideBytes, long OffsetBytes)
{
    /// <summary>Bytes of the plane: stride × rows.</summary>
    public long SizeBytes => StrideBytes * Rows;
}
