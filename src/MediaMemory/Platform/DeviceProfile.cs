using System.Diagnostics.CodeAnalysis;

namespace MediaMemory.Platform;

/// <summary>
/// A class of device: its RAM and the share of it an app is recommended to hold (the cap).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record DeviceProfile
{
    private const long GiB = 1L << 30;

    /// <summary>Creates a profile.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The RAM is not positive.</exception>
    public DeviceProfile(string name, long physicalBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(physicalBytes);
        Name = name;
        PhysicalBytes = physicalBytes;
    }

    /// <summary>Preset name, e.g. <c>phone-4gb</c>.</summary>
    public string Name { get; }

    /// <summary>Device RAM in bytes.</summary>
    public long PhysicalBytes { get; }

    /// <summary>Name of the profile detected from this machine.</summary>
    public const string ThisMachineName = "this-machine";

    /// <summary>The presets, by name (this-machine excluded; see <see cref="Find"/>).</summary>
    public static IReadOnlyList<DeviceProfile> Presets { get; } =
    [
        new("phone-3gb", 3 * GiB),
        new("phone-4gb", 4 * GiB),
        new("phone-6gb", 6 * GiB),
        new("phone-8gb", 8 * GiB),
        new("tablet-16gb", 16 * GiB),
        new("desktop-32gb", 32 * GiB),
    ];

    /// <summary>Every name <see cref="Find"/> accepts.</summary>
    public static IEnumerable<string> Names => Presets.Select(p => p.Name).Append(ThisMachineName);

    /// <summary>
    /// Share of RAM an app should hold at most: 40 % on devices with at least 6 GiB, 30 % with at least
    /// 4 GiB, 25 % below. These follow the jetsam limits observed on iOS-class devices, where an app is
    /// killed at roughly half to two thirds of RAM; the cap leaves a margin under that.
    /// </summary>
    public double RecommendedShare => RecommendedPercent / 100.0;

    /// <summary>The recommended cap in bytes: <see cref="RecommendedShare"/> of RAM, rounded down (integer math).</summary>
    public long RecommendedCapBytes => (long)((Int128)PhysicalBytes * RecommendedPercent / 100);

    private int RecommendedPercent => PhysicalBytes >= 6 * GiB ? 40 : PhysicalBytes >= 4 * GiB ? 30 : 25;

    /// <summary>The profile of this machine, from its detected physical memory.</summary>
    public static DeviceProfile ThisMachine(MemoryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new DeviceProfile(ThisMachineName, limits.PhysicalBytes);
    }

    /// <summary>Finds a preset by name (case-insensitive); <c>this-machine</c> uses <paramref name="limits"/>.</summary>
    public static bool TryFind(string name, MemoryLimits limits, [NotNullWhen(true)] out DeviceProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(name);
        profile = string.Equals(name, ThisMachineName, StringComparison.OrdinalIgnoreCase)
            ? ThisMachine(limits)
            : Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return profile is not null;
    }

    /// <summary>Finds a preset by name.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static DeviceProfile Find(string name, MemoryLimits limits) =>
        TryFind(name, limits, out var profile)
            ? profile
            : throw new ArgumentException($"unknown device '{name}': use one of {string.Join(", ", Names)}", nameof(name));
}
