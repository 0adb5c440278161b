using CsCheck;
using MediaMemory.Units;

namespace MediaMemory.Tests.Units;

public sealed class TileMemoryTests
{
    [Theory]
    [InlineData(PixelFormat.RGBA16Float, 64, 64, 32_768L)]
    [InlineData(PixelFormat.BGRA8Unorm, 128, 64, 32_768L)]
    [InlineData(PixelFormat.RGBA8Unorm, 128, 64, 32_768L)]
    [InlineData(PixelFormat.R8Unorm, 256, 128, 32_768L)]
    [InlineData(PixelFormat.BGR5A1Unorm, 128, 128, 32_768L)]
    [InlineData(PixelFormat.RGBA32Float, 64, 32, 32_768L)]
    // NV12 costs 6 bytes per 2×2 quad: 5461 quads fit, 21,844 pixels; the largest power of two is 2^14.
    [InlineData(PixelFormat.NV12, 128, 128, 24_576L)] // Y 128×128 + CbCr 64×2×64
    // P010 costs 12 bytes per quad: 2730 quads, 10,920 pixels → 2^13.
    [InlineData(PixelFormat.P010, 128, 64, 24_576L)] // Y 128×2×64 + CbCr 64×4×32
    // Compressed formats count blocks: 32 KiB / 16 = 2048 blocks = 64×32 blocks.
    [InlineData(PixelFormat.Astc4x4, 256, 128, 32_768L)]
    [InlineData(PixelFormat.Astc12x12, 768, 384, 32_768L)]
    [InlineData(PixelFormat.Astc5x4, 320, 128, 32_768L)]
    [InlineData(PixelFormat.BC7, 256, 128, 32_768L)]
    // BC1: 32 KiB / 8 = 4096 blocks = 64×64 blocks.
    [InlineData(PixelFormat.BC1, 256, 256, 32_768L)]
    public void For_DefaultBudget_PinsTheTileOfEachFormat(PixelFormat format, int width, int height, long sizeBytes)
    {
        var tile = TileMemory.For(format);

        Assert.Equal(new TileSize(width, height, sizeBytes), tile);
    }

    [Theory]
    [InlineData(PixelFormat.RGBA32Float, 16, 1, 1)]
    [InlineData(PixelFormat.RGBA32Float, 31, 1, 1)]
    [InlineData(PixelFormat.RGBA32Float, 32, 2, 1)]
    [InlineData(PixelFormat.NV12, 6, 2, 2)] // one 2×2 quad
    [InlineData(PixelFormat.Astc12x12, 16, 12, 12)]
    [InlineData(PixelFormat.R8Unorm, 1 << 30, 32_768, 32_768)]
    public void For_SmallAndLargeBudgets_PinsTheTile(PixelFormat format, int budgetBytes, int width, int height)
    {
        var tile = TileMemory.For(format, budgetBytes);

        Assert.Equal((width, height), (tile.Width, tile.Height));
        Assert.True(tile.SizeBytes <= budgetBytes, $"{tile} exceeds {budgetBytes} bytes");
    }

    [Theory]
    [InlineData(PixelFormat.BGRA8Unorm, 0)]
    [InlineData(PixelFormat.BGRA8Unorm, -1)]
    [InlineData(PixelFormat.BGRA8Unorm, (1 << 30) + 1)]
    [InlineData(PixelFormat.BGRA8Unorm, 3)]
    [InlineData(PixelFormat.RGBA32Float, 15)]
    [InlineData(PixelFormat.Astc4x4, 15)]
    [InlineData(PixelFormat.BC1, 7)]
    [InlineData(PixelFormat.NV12, 5)] // one 2×2 quad needs 6
    [InlineData(PixelFormat.P010, 11)]
    public void For_WhenTheBudgetCannotHoldOneElement_ThrowsNamingTheBudget(PixelFormat format, int budgetBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TileMemory.For(format, budgetBytes));

        Assert.Equal("maxTileBytes", error.ParamName);
    }

    [Fact]
    public void For_AnyFormatAndBudget_GivesTheLargestPowerOfTwoTileOfElementsThatFits()
    {
        var gen = Gen.Select(Gen.Enum<PixelFormat>(), Gen.OneOf(Gen.Int[1, 4096], Gen.Int[1, 1 << 30]));
        gen.Sample((format, budgetBytes) =>
        {
            var info = PixelFormatInfo.Get(format);
            TileSize tile;
            try
            {
                tile = TileMemory.For(format, budgetBytes);
            }
            catch (ArgumentOutOfRangeException)
            {
                // Refused: then not even the smallest whole unit (a pixel, a block, a 2×2 quad) fits.
                var smallest = info.IsPlanar ? info.GetSurfaceBytes(2, 2) : info.BytesPerBlock;
                Assert.True(smallest > budgetBytes, $"{format} refused a budget of {budgetBytes} bytes though one unit needs {smallest}");
                return;
            }

            var blocksAcross = tile.Width / info.BlockWidth;
            var blocksDown = tile.Height / info.BlockHeight;
            var context = $"{format} within {budgetBytes} bytes gave {tile}";
            Assert.True(tile.Width % info.BlockWidth == 0 && tile.Height % info.BlockHeight == 0, $"{context}: splits a block");
            Assert.True(ByteMath.IsPowerOfTwo(blocksAcross) && ByteMath.IsPowerOfTwo(blocksDown), $"{context}: {blocksAcross}×{blocksDown} elements");
            Assert.True(blocksAcross == blocksDown || blocksAcross == 2 * blocksDown, $"{context}: not as square as possible");
            Assert.True(tile.Width >= tile.Height, $"{context}: taller than wide");
            Assert.Equal(info.GetSurfaceBytes(tile.Width, tile.Height), tile.SizeBytes);
            Assert.True(tile.SizeBytes <= budgetBytes, $"{context}: over budget");

            // The next power of two of elements would not fit.
            var doubled = info.GetSurfaceBytes(tile.Width, 2L * tile.Height);
            Assert.True(doubled > budgetBytes, $"{context}: twice the elements ({doubled} bytes) would still fit");
        }, iter: 5_000, threads: 1);
    }
}
