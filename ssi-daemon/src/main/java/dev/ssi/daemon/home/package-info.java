/**
 * The home of jobs ({@link dev.ssi.daemon.home.HomeSide}, HTCondor's schedd): what a node owes
 * the jobs submitted to it wherever they run — spec, output, exit status, where they are.
 */
package dev.ssi.daemon.home;
