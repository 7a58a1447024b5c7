using Guardia.Core.Alerts;

namespace Guardia.Core.Tests.Alerts;

public sealed class LabelStringPoolTests
{
    [Fact]
    public void Value_ReturnsTheSameInstance_ForRepeatedLowCardinalityValues()
    {
        var pool = new LabelStringPool();
        var job = pool.ForName("job");
        var a = pool.Value(job, "node".AsSpan());
        var b = pool.Value(job, new string("node").AsSpan());
        Assert.Same(a, b);
        Assert.Same(pool.Name("job"), pool.Name(new string("job")));
    }

    [Fact]
    public void Value_StopsPooling_WhenANameShowsMoreDistinctValuesThanItsBound()
    {
        var pool = new LabelStringPool(maxValuesPerName: 10);
        var instance = pool.ForName("instance")!;
        for (var i = 0; i < 20; i++)
        {
            pool.Value(instance, $"host-{i}".AsSpan());
        }
        Assert.True(instance.IsHighCardinality);
        Assert.NotSame(pool.Value(instance, "host-1".AsSpan()), pool.Value(instance, "host-1".AsSpan()));
        Assert.Equal("host-1", pool.Value(instance, "host-1".AsSpan()));
        // Other names are unaffected.
        var job = pool.ForName("job");
        Assert.Same(pool.Value(job, "node".AsSpan()), pool.Value(job, "node".AsSpan()));
    }

    [Fact]
    public void ForName_ReturnsNull_WhenNamesAreExhausted_AndValuesStillComeBackEqual()
    {
        var pool = new LabelStringPool(maxNames: 2);
        Assert.NotNull(pool.ForName("a"));
        Assert.NotNull(pool.ForName("b"));
        Assert.Null(pool.ForName("c"));
        Assert.Equal("c", pool.Name("c"));
        Assert.Equal("v", pool.Value(null, "v".AsSpan()));
        Assert.Equal(string.Empty, pool.Value(null, ReadOnlySpan<char>.Empty));
    }

    [Fact]
    public async Task Value_IsSafe_UnderConcurrentUse()
    {
        var pool = new LabelStringPool(maxValuesPerName: 64);
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            var name = pool.ForName("severity");
            for (var i = 0; i < 10_000; i++)
            {
                Assert.Equal(i % 2 == 0 ? "critical" : "warning", pool.Value(name, (i % 2 == 0 ? "critical" : "warning").AsSpan()));
            }
        }));
        await Task.WhenAll(tasks);
    }
}
