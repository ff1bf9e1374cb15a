package io.sluice.stages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** Copies a JSON document token by token, writing the mask instead of every value whose path matches a rule. */
final class JsonRedaction {

    private static final JsonFactory JSON = new JsonFactory();

    private final List<String[]> pointers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final String mask;

    JsonRedaction(List<String> fields, String mask) {
        for (String field : fields) {
            if (field.startsWith("/")) {
                pointers.add(Arrays.stream(field.substring(1).split("/", -1))
                        .map(s -> s.replace("~1", "/").replace("~0", "~")).toArray(String[]::new));
            } else if (!field.isBlank()) {
                names.add(field);
            }
        }
        this.mask = mask;
    }

    /** @throws IOException when the body is not (complete) JSON */
    byte[] redact(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        try (JsonParser parser = JSON.createParser(body); JsonGenerator generator = JSON.createGenerator(out)) {
            Deque<Frame> path = new ArrayDeque<>();
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case FIELD_NAME -> {
                        path.peek().name = parser.currentName();
                        generator.copyCurrentEvent(parser);
                    }
                    case END_OBJECT, END_ARRAY -> {
                        path.pop();
                        generator.copyCurrentEvent(parser);
                    }
                    default -> {
                        String last = path.isEmpty() ? null : path.peek().segment();
                        if (last != null && matches(path)) {
                            generator.writeString(mask);
                            parser.skipChildren();
                        } else if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                            generator.copyCurrentEvent(parser);
                            path.push(new Frame(token == JsonToken.START_ARRAY));
                        } else {
                            generator.copyCurrentEvent(parser);
                        }
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private boolean matches(Deque<Frame> path) {
        if (names.contains(path.peek().name) && !path.peek().array) {
            return true;
        }
        List<String> segments = new ArrayList<>(path.size());
        path.descendingIterator().forEachRemaining(f -> segments.add(f.current));
        for (String[] pointer : pointers) {
            if (pointer.length == segments.size()) {
                boolean all = true;
                for (int i = 0; i < pointer.length && all; i++) {
                    all = pointer[i].equals("*") || pointer[i].equals(segments.get(i));
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One open object or array; {@link #segment()} advances to the value now being read. */
    private static final class Frame {
        final boolean array;
        String name;
        int index = -1;
        String current;

        Frame(boolean array) {
            this.array = array;
        }

        String segment() {
            current = array ? Integer.toString(++index) : name;
            return current;
        }
    }
}
