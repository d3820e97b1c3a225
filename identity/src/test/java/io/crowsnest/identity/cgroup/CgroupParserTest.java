package io.crowsnest.identity.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Samples are {@code /proc/<pid>/cgroup} contents as read from the host's cgroup namespace. */
class CgroupParserTest {

    static final String ID = "3f4e6a1b2c9d8e7f60718293a4b5c6d7e8f90123456789abcdef0123456789ab";
    static final String ID2 = "9a0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f";
    static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private static CgroupInfo parse(String s) {
        return CgroupParser.parse(s).orElseThrow(() -> new AssertionError("nothing parsed from:\n" + s));
    }

    @Test
    void dockerCgroupV1Cgroupfs() {
        String s = "12:pids:/docker/" + ID + "\n"
                + "11:hugetlb:/docker/" + ID + "\n"
                + "10:net_cls,net_prio:/docker/" + ID + "\n"
                + "9:perf_event:/docker/" + ID + "\n"
                + "8:cpu,cpuacct:/docker/" + ID + "\n"
                + "7:memory:/docker/" + ID + "\n"
                + "6:devices:/docker/" + ID + "\n"
                + "5:freezer:/docker/" + ID + "\n"
                + "4:blkio:/docker/" + ID + "\n"
                + "3:cpuset:/docker/" + ID + "\n"
                + "2:rdma:/\n"
                + "1:name=systemd:/docker/" + ID + "\n"
                + "0::/system.slice/containerd.service\n";
        CgroupInfo i = parse(s);
        assertEquals(ID, i.containerId());
        assertEquals(ContainerRuntime.DOCKER, i.runtime());
        assertNull(i.podUid());
    }

    @Test
    void dockerCgroupV2Systemd() {
        CgroupInfo i = parse("0::/system.slice/docker-" + ID + ".scope\n");
        assertEquals(ID, i.containerId());
        assertEquals(ContainerRuntime.DOCKER, i.runtime());
    }

    @Test
    void dockerCgroupV1Systemd() {
        String s = "11:memory:/system.slice/docker-" + ID + ".scope\n"
                + "10:cpu,cpuacct:/system.slice/docker-" + ID + ".scope\n"
                + "1:name=systemd:/system.slice/docker-" + ID + ".scope\n";
        assertEquals(ID, parse(s).containerId());
    }

    @Test
    void dockerCgroupV2Cgroupfs() {
        CgroupInfo i = parse("0::/docker/" + ID + "\n");
        assertEquals(ID, i.containerId());
        assertEquals(ContainerRuntime.DOCKER, i.runtime());
    }

    @Test
    void dockerInDockerGivesInnerContainer() {
        CgroupInfo i = parse("0::/docker/" + ID + "/docker/" + ID2 + "\n");
        assertEquals(ID2, i.containerId());
    }

    @Test
    void kubeletCgroupfsV1BestEffort() {
        String s = "12:pids:/kubepods/besteffort/pod" + UID + "/" + ID + "\n"
                + "7:memory:/kubepods/besteffort/pod" + UID + "/" + ID + "\n"
                + "1:name=systemd:/kubepods/besteffort/pod" + UID + "/" + ID + "\n";
        CgroupInfo i = parse(s);
        assertEquals(ID, i.containerId());
        assertEquals(UID, i.podUid());
        assertEquals("besteffort", i.qosClass());
        assertEquals(ContainerRuntime.KUBERNETES_CGROUPFS, i.runtime());
    }

    @Test
    void kubeletCgroupfsGuaranteed() {
        CgroupInfo i = parse("0::/kubepods/pod" + UID + "/" + ID + "\n");
        assertEquals(UID, i.podUid());
        assertEquals("guaranteed", i.qosClass());
        assertEquals(ID, i.containerId());
    }

    @Test
    void containerdSystemdV2() {
        String uidU = UID.replace('-', '_');
        String s = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidU
                + ".slice/cri-containerd-" + ID + ".scope\n";
        CgroupInfo i = parse(s);
        assertEquals(ID, i.containerId());
        assertEquals(ContainerRuntime.CONTAINERD, i.runtime());
        assertEquals(UID, i.podUid());
        assertEquals("besteffort", i.qosClass());
    }

    @Test
    void containerdSystemdV1Burstable() {
        String uidU = UID.replace('-', '_');
        String p = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidU
                + ".slice/cri-containerd-" + ID + ".scope";
        String s = "12:freezer:" + p + "\n11:memory:" + p + "\n1:name=systemd:" + p + "\n";
        CgroupInfo i = parse(s);
        assertEquals(UID, i.podUid());
        assertEquals("burstable", i.qosClass());
        assertEquals(ContainerRuntime.CONTAINERD, i.runtime());
    }

    @Test
    void containerdSystemdGuaranteed() {
        String s = "0::/kubepods.slice/kubepods-pod" + UID.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope\n";
        CgroupInfo i = parse(s);
        assertEquals(UID, i.podUid());
        assertEquals("guaranteed", i.qosClass());
    }

    @Test
    void kindColonForm() {
        String s = "0::/system.slice/containerd.service/kubepods-besteffort-pod" + UID.replace('-', '_')
                + ".slice:cri-containerd:" + ID + "\n";
        CgroupInfo i = parse(s);
        assertEquals(ID, i.containerId());
        assertEquals(ContainerRuntime.CONTAINERD, i.runtime());
        assertEquals(UID, i.podUid());
    }

    @Test
    void crioSystemd() {
        String s = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID.replace('-', '_')
                + ".slice/crio-" + ID + ".scope\n";
        CgroupInfo i = parse(s);
        assertEquals(ID, i.containerId());
        assertEquals(ContainerRuntime.CRIO, i.runtime());
        assertEquals(UID, i.podUid());
    }

    @Test
    void crioConmonIsNotTheContainer() {
        String s = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UID.replace('-', '_')
                + ".slice/crio-conmon-" + ID + ".scope\n";
        CgroupInfo i = parse(s);
        assertNull(i.containerId());
        assertEquals(UID, i.podUid());
    }

    @Test
    void podmanLibpod() {
        CgroupInfo i = parse("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope/container\n");
        assertEquals(ID, i.containerId());
        assertEquals(ContainerRuntime.PODMAN, i.runtime());
    }

    @Test
    void staticPodHashUid() {
        String hash = "5d1ab7c0b5b8d0e4a6ef3f5b2c4e9a11";
        CgroupInfo i = parse("0::/kubepods/burstable/pod" + hash + "/" + ID + "\n");
        assertEquals(hash, i.podUid());
    }

    @Test
    void dockerWithPodShapedCgroupParent() {
        // docker run --cgroup-parent=/kubepods/besteffort/pod<uid> (cgroupfs driver)
        String s = "12:memory:/kubepods/besteffort/pod" + UID + "/" + ID + "\n0::/\n";
        CgroupInfo i = parse(s);
        assertEquals(ID, i.containerId());
        assertEquals(UID, i.podUid());
    }

    @Test
    void hostProcessesNameNothing() {
        assertTrue(CgroupParser.parse("0::/init.scope\n").isEmpty());
        assertTrue(CgroupParser.parse("0::/system.slice/sshd.service\n").isEmpty());
        assertTrue(CgroupParser.parse("0::/user.slice/user-0.slice/session-3.scope\n").isEmpty());
        assertTrue(CgroupParser.parse("12:pids:/\n1:name=systemd:/init.scope\n0::/\n").isEmpty());
        assertTrue(CgroupParser.parse("0::/system.slice/containerd.service\n").isEmpty());
        assertTrue(CgroupParser.parse("").isEmpty());
    }

    @Test
    void shortIdsAreNotContainers() {
        assertTrue(CgroupParser.parse("0::/docker/3f4e6a1b2c9d\n").isEmpty());
    }
}
