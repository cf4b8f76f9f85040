using System.Globalization;
using Appliance.Core.Collections;
using Appliance.Core.Config;
using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary>
/// Runs every enabled built-in check and every program in the checks directory, at most
/// <c>[Checks] MaxParallel</c> at a time, each within <c>[Checks] TimeoutSec</c> and all within
/// an overall deadline, and returns the verdict. Checks still waiting at the deadline are
/// reported as timed out without being started.
/// </summary>
public sealed class HealthCheckRunner(TimeProvider time)
{
    public HealthReport RunAll(ApplianceConfig config, string root, TimeSpan deadline, CancellationToken ct)
    {
        IReadOnlyList<IHealthCheck> checks =
        [
            .. config.BuiltinChecks.Filter(c => c.Enabled).Map(BuiltinChecks.Create),
            .. CheckDirectory.Discover(root, config.Checks.Directory),
        ];
        return Run(checks, config.Checks, root, deadline, ct);
    }

    /// <summary>Runs the given checks; the order of the report is the order of <paramref name="checks"/>.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; running checks were killed first.</exception>
    public HealthReport Run(IReadOnlyList<IHealthCheck> checks, ChecksConfig settings, string root, TimeSpan deadline, CancellationToken ct)
    {
        long start = time.GetTimestamp();
        var processes = new ProcessGroupRunner(time, settings.OutputLimitBytes);
        var records = new CheckRecord[checks.Count];
        int next = -1;

        // Workers, not the thread pool: a check blocks its thread for as long as it runs.
        int count = Math.Clamp(checks.Count, 0, settings.MaxParallel);
        var workers = new List<Thread>(count);
        for (int w = 0; w < count; w++)
        {
            workers.Add(new Thread(Work) { IsBackground = true, Name = $"health check {w}" });
        }

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        ct.ThrowIfCancellationRequested();
        return HealthEvaluator.Evaluate(records);

        void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < checks.Count)
            {
                IHealthCheck check = checks[i];
                TimeSpan left = deadline - time.GetElapsedTime(start);
                if (left <= TimeSpan.Zero || ct.IsCancellationRequested)
                {
                    string why = ct.IsCancellationRequested ? "cancelled" : string.Create(CultureInfo.InvariantCulture, $"the overall deadline of {deadline.TotalSeconds:0.###} s passed");
                    records[i] = CheckRecord.From(check.Name, check.Kind, check.Required, new CheckOutcome(CheckResult.Timeout, $"not started: {why}"), TimeSpan.Zero);
                    continue;
                }

                var context = new HealthCheckContext(root, time, settings.Timeout < left ? settings.Timeout : left, processes, ct);
                long checkStart = time.GetTimestamp();
                CheckOutcome outcome = check is ExecutableCheck ? Evaluate(check, context) : EvaluateWithTimeout(check, context);
                records[i] = CheckRecord.From(check.Name, check.Kind, check.Required, outcome, time.GetElapsedTime(checkStart));
            }
        }
    }

    /// <summary>A check's outcome; an exception is the check's error, not the runner's.</summary>
    private static CheckOutcome Evaluate(IHealthCheck check, HealthCheckContext context)
    {
        try
        {
            return check.Evaluate(context);
        }
        catch (OperationCanceledException)
        {
            return CheckOutcome.Error("cancelled");
        }
        catch (Exception e)
        {
            // Any failure of a check, including a bug in it, must count against it, not crash boot validation.
            return CheckOutcome.Error($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// A built-in check on a thread of its own, given up on at its timeout: reading a file on a
    /// hung NFS mount or statvfs of one blocks in the kernel, and no thread can be interrupted
    /// there. The abandoned thread ends with the process.
    /// </summary>
    private static CheckOutcome EvaluateWithTimeout(IHealthCheck check, HealthCheckContext context)
    {
        CheckOutcome? outcome = null;
        // Not disposed: an abandoned thread still sets it when its call returns.
        var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            outcome = Evaluate(check, context);
            done.Set();
        })
        { IsBackground = true, Name = $"health check {check.Name}" };
        thread.Start();
        try
        {
            if (done.Wait(context.Timeout, context.Cancellation))
            {
                return outcome!;
            }
        }
        catch (OperationCanceledException)
        {
            return CheckOutcome.Error("cancelled");
        }

        return new CheckOutcome(CheckResult.Timeout, string.Create(CultureInfo.InvariantCulture, $"did not finish within {context.Timeout.TotalSeconds:0.###} s"));
    }
}
