namespace MediaMemory.Platform;

/// <summary>One trip point of a thermal zone (<c>trip_point_N_type</c>, <c>trip_point_N_temp</c>).</summary>
/// <param name="Index">N in the file names.</param>
/// <param name="Type">What happens at it.</param>
/// <param name="TemperatureMillicelsius">Where, in millidegrees Celsius.</param>
public readonly record struct ThermalZoneTrip(int Index, ThermalZoneTripType Type, long TemperatureMillicelsius);
