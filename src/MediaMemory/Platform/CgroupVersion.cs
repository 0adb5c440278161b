namespace MediaMemory.Platform;

/// <summary>Which Linux control-group hierarchy limits this process's memory.</summary>
public enum CgroupVersion
{
    /// <summary>No memory cgroup found (not Linux, or no memory controller mounted).</summary>
    None = 0,

    /// <summary>cgroup v1 <c>memory</c> controller (<c>memory.limit_in_bytes</c>).</summary>
    V1 = 1,

    /// <summary>cgroup v2 unified hierarchy (<c>memory.max</c>).</summary>
    V2 = 2,
}
