package io.jguest.appliance.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void qmpMessagesParse() {
        Object greeting = Json.parse("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
                + " \"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}\r\n");
        Map<?, ?> qmp = (Map<?, ?>) ((Map<?, ?>) greeting).get("QMP");
        assertEquals(List.of("oob"), qmp.get("capabilities"));
        assertEquals(7L, ((Map<?, ?>) ((Map<?, ?>) qmp.get("version")).get("qemu")).get("major"));

        Map<?, ?> status = (Map<?, ?>) Json.parse("{\"return\": {\"status\": \"paused\", \"singlestep\": false,"
                + " \"running\": false}}");
        assertEquals(Map.of("status", "paused", "singlestep", false, "running", false), status.get("return"));

        Map<?, ?> migrate = (Map<?, ?>) ((Map<?, ?>) Json.parse("{\"return\": {\"status\": \"completed\", \"ram\":"
                + " {\"mbps\": 9673.65, \"total\": 537403392, \"neg\": -1e3}}}")).get("return");
        Map<?, ?> ram = (Map<?, ?>) migrate.get("ram");
        assertEquals(9673.65, ram.get("mbps"));
        assertEquals(537403392L, ram.get("total"));
        assertEquals(-1000.0, ram.get("neg"));
        assertEquals(Arrays.asList(null, true, "a\"b\\c\n\u00e9"),
                Json.parse("[null, true, \"a\\\"b\\\\c\\n\\u00e9\"]"));
        assertEquals(Map.of(), Json.parse(" {} "));
        assertEquals(List.of(), Json.parse("[]"));
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("node-name", "hd0");
        args.put("uri", "exec:cat > '/tmp/it''s here'");
        args.put("n", 3);
        args.put("big", 1L << 40);
        args.put("on", true);
        args.put("nothing", null);
        args.put("list", List.of(1, "two", Map.of("three", 3)));
        args.put("ctl", "tab\there\u0001");
        String json = Json.write(args);
        assertEquals("{\"node-name\":\"hd0\",\"uri\":\"exec:cat > '/tmp/it''s here'\",\"n\":3,\"big\":1099511627776,"
                + "\"on\":true,\"nothing\":null,\"list\":[1,\"two\",{\"three\":3}],\"ctl\":\"tab\\there\\u0001\"}", json);
        Map<?, ?> back = (Map<?, ?>) Json.parse(json);
        assertEquals("exec:cat > '/tmp/it''s here'", back.get("uri"));
        assertEquals(3L, back.get("n"));
        assertEquals("tab\there\u0001", back.get("ctl"));
    }

    @Test
    void malformedInputIsRefusedWithItsOffset() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]x", "\"open", "tru", "{\"a\":1}}", "[\"\u0001\"]", "-", "\"\\x\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
