package dev.ssi.system;

import com.sun.tools.attach.VirtualMachine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** The heap of another JVM on this machine (an ssid), read through its local management agent. */
final class DaemonHeap implements AutoCloseable {
    private final JMXConnector connector;
    private final MemoryMXBean memory;

    private DaemonHeap(JMXConnector connector, MemoryMXBean memory) {
        this.connector = connector;
        this.memory = memory;
    }

    static DaemonHeap of(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        return new DaemonHeap(connector, ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class));
    }

    /** Used and max (its -Xmx) now. */
    MemoryUsage now() {
        return memory.getHeapMemoryUsage();
    }

    /** What is left in use once it has collected everything it can. */
    long usedAfterCollecting() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() throws Exception {
        connector.close();
    }
}
