package dev.ssi.checkpoint.image;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials one thread of a dumped tree will have once CRIU restores it: thread {@code tid}
 * of task {@code pid} (both as the tree's own pid namespace numbers them). Capabilities are bit
 * sets, bit n for capability n.
 */
public record ThreadCredentials(int pid, int tid, int uid, int euid, int suid, int fsuid, int gid, int egid, int sgid,
        int fsgid, List<Integer> groups, long inheritable, long permitted, long effective, long ambient) {

    public ThreadCredentials {
        groups = List.copyOf(groups);
    }

    /** The user ids, by name: uid, euid, suid, fsuid. */
    public Map<String, Integer> uids() {
        return named("uid", uid, "euid", euid, "suid", suid, "fsuid", fsuid);
    }

    /** The group ids, by name: gid, egid, sgid, fsgid. */
    public Map<String, Integer> gids() {
        return named("gid", gid, "egid", egid, "sgid", sgid, "fsgid", fsgid);
    }

    /** The capability sets, by name: inheritable, permitted, effective, ambient. */
    public Map<String, Long> capabilities() {
        Map<String, Long> sets = new LinkedHashMap<>();
        sets.put("inheritable", inheritable);
        sets.put("permitted", permitted);
        sets.put("effective", effective);
        sets.put("ambient", ambient);
        return sets;
    }

    /** "task 7", or "task 7 (thread 9)" for a thread other than the task's first. */
    public String who() {
        return tid == pid ? "task " + pid : "task " + pid + " (thread " + tid + ")";
    }

    private static Map<String, Integer> named(String a, int va, String b, int vb, String c, int vc, String d, int vd) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        ids.put(a, va);
        ids.put(b, vb);
        ids.put(c, vc);
        ids.put(d, vd);
        return ids;
    }
}
