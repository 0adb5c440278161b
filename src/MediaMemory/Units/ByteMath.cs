using System.Numerics;

namespace MediaMemory.Units;

/// <summary>Checked 64-bit size arithmetic shared by the unit types. Stateless, thread-safe.</summary>
public static class ByteMath
{
    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="alignment"/>,
    /// a power of two.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or the alignment is not
    /// a positive power of two.</exception>
    /// <exception cref="OverflowException">The result does not fit in 64 bits.</exception>
    public static long AlignUp(long value, long alignment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (alignment <= 0 || !BitOperations.IsPow2(alignment))
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "alignment must be a positive power of two");
        }

        return checked(value + alignment - 1) & ~(alignment - 1);
    }

    /// <summary>Divides rounding up: ceil(<paramref name="value"/> / <paramref name="divisor"/>), without overflow.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or the divisor not positive.</exception>
    public static long DivideRoundingUp(long value, long divisor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(divisor);
        return (value / divisor) + (value % divisor == 0 ? 0 : 1);
    }

    /// <summary>True when <paramref name="value"/> is a positive power of two.</summary>
    public static bool IsPowerOfTwo(long value) => value > 0 && BitOperations.IsPow2(value);
}
