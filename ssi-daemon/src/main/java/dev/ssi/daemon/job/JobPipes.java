package dev.ssi.daemon.job;

/** How CRIU names a job's stdin, output and status pipes ("pipe:[INODE]"), for inherit_fd at a restore. */
public record JobPipes(String stdin, String stdout, String status) {}
