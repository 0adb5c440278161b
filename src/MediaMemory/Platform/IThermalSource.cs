using MediaMemory.Pressure;

namespace MediaMemory.Platform;

/// <summary>A source of the device's thermal state.</summary>
public interface IThermalSource : ISignalSource<ThermalState>;
