package io.jguest.cli.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * virt-inspector's XML, read with the JDK's parser: the reference documents saved in
 * {@code docs/virt-inspector} (found from the working directory, {@code cli/} under Maven, by walking
 * up to the repository root) and guest-inspect's output, with small accessors for the element tree.
 */
final class VirtInspectorXml {
    private VirtInspectorXml() {
    }

    /** {@code docs/virt-inspector/STEM.xml} for phony image {@code image} ({@code linux-gpt.img}: {@code linux-gpt.xml}). */
    static Path reference(String image) {
        String stem = image.substring(0, image.lastIndexOf('.'));
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path docs = dir.resolve("docs").resolve("virt-inspector");
            if (Files.isDirectory(docs) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return docs.resolve(stem + ".xml");
            }
        }
        throw new AssertionError("no docs/virt-inspector in " + cwd + " or any directory above it");
    }

    /** The document element ({@code <operatingsystems>}) of the file. */
    static Element parse(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document element of {@code xml}; {@code what} names it in the failure when it does not parse. */
    static Element parse(String xml, String what) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                    .getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError(what + ": not well-formed XML: " + e.getMessage() + "\n" + xml, e);
        }
    }

    /** The child elements of {@code parent} named {@code name}, in order; none when {@code parent} is null. */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The first child element named {@code name}, or null. */
    static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.getFirst();
    }

    /** The text of the first child element named {@code name}, or null when there is none. */
    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }
}
