package io.sluice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A Dockerfile as its instructions (continuation lines joined, comments dropped); shell form only. */
record Dockerfile(List<Dockerfile.Instruction> instructions) {

    record Instruction(int line, String keyword, String args) {

        List<String> words() {
            return Arrays.asList(args.trim().split("\\s+"));
        }

        /** COPY/ADD sources: every word but the {@code --flags} and the destination. */
        List<String> sources() {
            List<String> words = words().stream().filter(w -> !w.startsWith("--")).toList();
            return words.subList(0, words.size() - 1);
        }

        String destination() {
            List<String> words = words();
            return words.get(words.size() - 1);
        }
    }

    static Dockerfile parse(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dockerfile parse(List<String> lines) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (pending.isEmpty()) {
                start = i + 1;
            }
            boolean continued = line.endsWith("\\");
            pending.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continued) {
                String text = pending.toString().strip();
                pending.setLength(0);
                int space = text.indexOf(' ');
                String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
                String args = space < 0 ? "" : text.substring(space + 1).strip();
                if ((keyword.equals("COPY") || keyword.equals("ADD")) && args.startsWith("[")) {
                    throw new IllegalArgumentException("line " + start + ": JSON-form " + keyword + " is not supported here");
                }
                instructions.add(new Instruction(start, keyword, args));
            }
        }
        return new Dockerfile(List.copyOf(instructions));
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }
}
