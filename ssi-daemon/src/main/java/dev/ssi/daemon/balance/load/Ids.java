package dev.ssi.daemon.balance.load;

/** The same node and job names as the transport and the job manager spell them, and as the scheduler does. */
public final class Ids {
    private Ids() {}

    public static dev.ssi.scheduler.NodeId scheduler(dev.ssi.transport.NodeId node) {
        return new dev.ssi.scheduler.NodeId(node.value());
    }

    public static dev.ssi.transport.NodeId transport(dev.ssi.scheduler.NodeId node) {
        return dev.ssi.transport.NodeId.of(node.name());
    }

    public static dev.ssi.scheduler.JobId scheduler(dev.ssi.daemon.job.JobId job) {
        return new dev.ssi.scheduler.JobId(job.value());
    }

    public static dev.ssi.daemon.job.JobId daemon(dev.ssi.scheduler.JobId job) {
        return new dev.ssi.daemon.job.JobId(job.value());
    }
}
