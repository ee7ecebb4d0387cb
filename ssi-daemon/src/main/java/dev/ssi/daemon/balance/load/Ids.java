package dev.ssi.daemon.balance.load;

/** The same node and job names as the transport and the job manager spell them, and as the scheduler does. */
public final class Ids {
    private Ids() {}

    public static dev.ssi.scheduler.NodeName scheduler(dev.ssi.transport.NodeId node) {
        return new dev.ssi.scheduler.NodeName(node.value());
    }

    public static dev.ssi.transport.NodeId transport(dev.ssi.scheduler.NodeName node) {
        return dev.ssi.transport.NodeId.of(node.name());
    }

    public static dev.ssi.scheduler.JobName scheduler(dev.ssi.daemon.job.JobId job) {
        return new dev.ssi.scheduler.JobName(job.value());
    }

    public static dev.ssi.daemon.job.JobId daemon(dev.ssi.scheduler.JobName job) {
        return new dev.ssi.daemon.job.JobId(job.value());
    }
}
