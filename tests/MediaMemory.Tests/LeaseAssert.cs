namespace MediaMemory.Tests;

/// <summary>Checks on the lease <c>ref struct</c>s, which lambdas cannot capture.</summary>
internal static class LeaseAssert
{
    /// <summary>Disposes <paramref name="lease"/> (a copy whose original was disposed already) and returns the
    /// <see cref="InvalidOperationException"/> that must refuse it; fails the test if it was accepted.</summary>
    public static InvalidOperationException DisposeIsRefused<T>(scoped ref T lease)
        where T : IDisposable, allows ref struct
    {
        try
        {
            lease.Dispose();
        }
        catch (InvalidOperationException ex)
        {
            Assert.Contains("released twice", ex.Message, StringComparison.Ordinal);
            return ex;
        }

        Assert.Fail("disposing a copy of a lease after its original was accepted");
        throw new InvalidOperationException("unreachable");
    }
}
