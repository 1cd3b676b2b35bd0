package io.jguest.inspection;

import io.jguest.api.BlockDevice;
import io.jguest.api.Filesystem;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import io.jguest.inspection.rules.Fact;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The input facts of the rules (see the package documentation), made from an {@link InspectionInput}. */
final class InputFacts {
    /** Input predicate → arity. */
    static final Map<String, Integer> ARITIES = Map.of(
            "disk", 4, "partition", 6, "filesystem", 4, "logical_volume", 3, "mounted", 1);

    private InputFacts() {
    }

    static List<Fact> of(InspectionInput input) {
        List<Fact> facts = new ArrayList<>();
        List<BlockDevice> disks = input.disks();
        for (int i = 0; i < disks.size(); i++) {
            BlockDevice d = disks.get(i);
            facts.add(Fact.of("disk", d.device(), Integer.toString(i), orEmpty(d.tableType()), orEmpty(d.diskId())));
        }
        for (Partition p : input.partitions()) {
            facts.add(Fact.of("partition", p.device(), p.disk(), Integer.toString(p.number()), Long.toUnsignedString(p.start()),
                    orEmpty(p.uuid()).toLowerCase(java.util.Locale.ROOT), orEmpty(input.partitionLabels().get(p.device()))));
        }
        for (Filesystem f : input.filesystems()) {
            facts.add(Fact.of("filesystem", f.device(), orEmpty(f.type()), orEmpty(f.label()), orEmpty(f.uuid())));
        }
        for (LogicalVolume lv : input.logicalVolumes()) {
            facts.add(Fact.of("logical_volume", lv.device(), lv.volumeGroup(), lv.name()));
        }
        for (String dev : new TreeSet<>(input.mounted().keySet())) {
            facts.add(Fact.of("mounted", dev));
        }
        return facts;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
