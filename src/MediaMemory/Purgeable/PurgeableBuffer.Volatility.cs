using System.Security.Cryptography;
using MediaMemory.Internals;

namespace MediaMemory.Purgeable;

/// <summary>
/// The Linux protocol that makes a buffer volatile and finds out, on return, whether the kernel took any of
/// its pages.
/// </summary>
/// <remarks>
/// <para>
/// <c>madvise(MADV_FREE)</c> lets the kernel free a page lazily: under pressure it drops the page if it is
/// still clean; a write to the page before that makes it dirty again and the kernel keeps it. A page it
/// dropped reads as zeros on the next access (a read maps the shared zero page and costs no memory; a write
/// faults in a fresh zeroed page). madvise(2) documents nothing that tells the two cases apart afterwards, so:
/// </para>
/// <list type="number">
/// <item>Making the buffer volatile: pick a random non-zero 64-bit marker for this episode; for each page,
/// save its first 8 bytes in a managed array and write the marker there; then <c>madvise(MADV_FREE)</c> the
/// whole range (the stores come before the call, which is a full barrier).</item>
/// <item>Making it non-volatile: for each page, read the first 8 bytes. If they are not the marker, the
/// kernel took the page (it reads zero, and the marker is never zero). If they are, compare-and-exchange
/// the marker for the saved bytes: if the exchange finds the marker, it has written the page, which is then
/// dirty and can no longer be taken, and its contents are exactly the old ones; if it does not, the kernel
/// took the page between the read and the exchange.</item>
/// <item>Once one page is found taken the buffer is Empty: the remaining pages are only read (counted) and
/// the whole range is discarded, so the buffer holds zeros, never a mix of old pages and zero pages.</item>
/// </list>
/// <para>
/// Why the read comes first: a locked compare-exchange writes (faults in a page) even when it fails, so
/// exchanging blindly would fault a fresh page into every reclaimed one — seen to OOM-kill a test that was
/// otherwise within its cgroup limit. Why compare-exchange and not a store after the read: the kernel can
/// take the page between the two, and a plain store would then land on a fresh zero page and make it look
/// kept. The kernel's reclaim clears the page-table entry and keeps the page if it was dirtied meanwhile,
/// so the atomic exchange either dirties the old page (kept) or faults a new one (found taken).
/// </para>
/// <para>
/// Why the marker cannot give a wrong answer: the test is "the marker is still there", never "the saved
/// bytes are there". A taken page reads zero, and the marker is never zero, so a taken page is never seen as
/// kept — not even when its real first 8 bytes were zero (they are in the saved array, not compared). A page
/// whose real first 8 bytes equal the marker is harmless too: the marker was written over them anyway, and
/// the exchange puts back the saved value, which is the same. The marker is random per episode only so that
/// no fixed value is special; correctness needs only that it is non-zero and that nothing else writes the
/// buffer while it is volatile (no lease can be held then).
/// </para>
/// </remarks>
public sealed unsafe partial class PurgeableBuffer
{
    private const int MadvFreeUnknown = 0;
    private const int MadvFreeWorks = 1;
    private const int MadvFreeMissing = 2;

    // Whether this kernel knows MADV_FREE (learned from the first madvise; EINVAL before Linux 4.5).
    private static int s_madvFree;

    private ulong[]? _savedWords; // first 8 bytes of each page while volatile
    private ulong _marker;

    private int PageCount => (int)(_mappedBytes / (nuint)LinuxMemory.PageSizeBytes);

    /// <summary>Step 1. Under the lock.</summary>
    private void BeginVolatile()
    {
        LastKernelReclaimedBytes = 0;
        _marker = 0; // an episode without markers (no MADV_FREE) must not check an older episode's
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref s_madvFree) == MadvFreeMissing)
        {
            return;
        }

        var pages = PageCount;
        var saved = _savedWords ??= new ulong[pages];
        var marker = NewMarker();
        _marker = marker;
        var pageBytes = LinuxMemory.PageSizeBytes;
        for (var i = 0; i < pages; i++)
        {
            var word = (ulong*)(_base + ((nint)i * pageBytes));
            saved[i] = *word;
            *word = marker;
        }

        var errno = LinuxMemory.Advise((void*)_base, _mappedBytes, LinuxMemory.MadvFree);
        Volatile.Write(ref s_madvFree, errno == 0 ? MadvFreeWorks : MadvFreeMissing);
        // Without MADV_FREE the markers stay in place and step 2 finds every one and restores it.
    }

    /// <summary>Step 2 (and 3). Returns true if the kernel kept every page. Under the lock.</summary>
    private bool EndVolatile()
    {
        if (!OperatingSystem.IsLinux() || _savedWords is null || _marker == 0)
        {
            return true;
        }

        var saved = _savedWords;
        var marker = _marker;
        _marker = 0;
        var pageBytes = LinuxMemory.PageSizeBytes;
        long taken = 0;
        for (var i = 0; i < saved.Length; i++)
        {
            ref var word = ref *(ulong*)(_base + ((nint)i * pageBytes));
            if (taken == 0)
            {
                // Read first: only a page still holding the marker is exchanged (written).
                if (Volatile.Read(ref word) == marker && Interlocked.CompareExchange(ref word, saved[i], marker) == marker)
                {
                    continue;
                }

                taken++;
            }
            else if (Volatile.Read(ref word) != marker)
            {
                taken++; // already Empty: only count, by reading
            }
        }

        LastKernelReclaimedBytes = taken * pageBytes;
        return taken == 0;
    }

    /// <summary>Counts pages the kernel took from a volatile buffer, by reading only. Under the lock.</summary>
    private long CountReclaimedPages()
    {
        if (!OperatingSystem.IsLinux() || _savedWords is null || _marker == 0)
        {
            return 0;
        }

        var pageBytes = LinuxMemory.PageSizeBytes;
        long taken = 0;
        for (var i = 0; i < _savedWords.Length; i++)
        {
            if (Volatile.Read(ref *(ulong*)(_base + ((nint)i * pageBytes))) != _marker)
            {
                taken++;
            }
        }

        LastKernelReclaimedBytes = taken * pageBytes;
        _marker = 0;
        return taken;
    }

    private static ulong NewMarker()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        ulong marker;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            marker = BitConverter.ToUInt64(bytes);
        }
        while (marker == 0);

        return marker;
    }
}
