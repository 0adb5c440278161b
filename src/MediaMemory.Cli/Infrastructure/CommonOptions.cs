using System.CommandLine;
using System.Globalization;
using System.Numerics;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Units;

namespace MediaMemory.Cli.Infrastructure;

/// <summary>Options shared by several commands, with parsers that give one clear line on bad input.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout and nothing else." };

    public static Option<ByteSize?> Size(string name, string description) => new(name)
    {
        Description = description + " Sizes: 512MiB, 1.5GiB, 800MB or bytes.",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!ByteSize.TryParse(text, out var size, out var error))
            {
                result.AddError($"{name}: {error}");
                return null;
            }

            return size;
        },
    };

    /// <summary>A timeline option such as <c>5s:warning,8s:critical</c>; a malformed one is a parse error naming the item.</summary>
    public static Option<SignalScript<TState>?> Script<TState>(string name, string description)
        where TState : struct, Enum => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!SignalScript<TState>.TryParse(text, out var script, out var error))
            {
                result.AddError($"{name}: {error}");
                return null;
            }

            return script;
        },
    };

    /// <summary>
    /// A whole-number option from <paramref name="min"/> to <paramref name="max"/> (by default every <see cref="int"/>).
    /// Text that is not a whole number is a parse error saying so; a whole number outside the range, however many
    /// digits it has, is a parse error giving the range (<c>--ops: 99999999999 is out of range; use 1…10000000</c>).
    /// </summary>
    public static Option<int> Integer(string name, string description, int defaultValue, int min = int.MinValue, int max = int.MaxValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{name}: '{text}' is not a whole number");
                return defaultValue;
            }

            if (value < min || value > max)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: {text} is out of range; use {min}…{max}"));
                return defaultValue;
            }

            return (int)value;
        },
    };

    public static Option<string> Device(string defaultName) => new("--device")
    {
        Description = $"Device profile: {string.Join(", ", DeviceProfile.Names)} (default {defaultName}).",
        DefaultValueFactory = _ => defaultName,
    };

    public static DeviceProfile ResolveDevice(string name, MemoryLimits limits) =>
        DeviceProfile.TryFind(name, limits, out var profile)
            ? profile
            : throw new UsageException($"--device: unknown device '{name}'; use one of {string.Join(", ", DeviceProfile.Names)}");
}
