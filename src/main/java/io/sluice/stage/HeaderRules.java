package io.sluice.stage;

import java.util.Locale;

/**
 * The checks Envoy applies to every header mutation, done early so a stage learns which header was wrong
 * instead of Envoy failing the whole reply ({@code header_mutation_invalid_character_in_set_headers}).
 */
public final class HeaderRules {

    private HeaderRules() {
    }

    public static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public static void requireSettable(String name, String value) {
        requireValidName(name);
        if (value == null) {
            throw new IllegalArgumentException("header '" + name + "': value must not be null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header '" + name + "': value contains CR, LF or NUL at index " + i);
            }
        }
    }

    public static void requireRemovable(String name) {
        requireValidName(name);
        String n = normalize(name);
        if (n.startsWith(":") || n.equals("host")) {
            throw new IllegalArgumentException("header '" + name + "' cannot be removed: Envoy never removes pseudo-headers or host");
        }
    }

    private static void requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be empty");
        }
        int start = name.charAt(0) == ':' ? 1 : 0;
        if (start == name.length()) {
            throw new IllegalArgumentException("header name ':' is not valid");
        }
        for (int i = start; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!token) {
                throw new IllegalArgumentException("header name '" + name + "' contains an invalid character at index " + i);
            }
        }
    }
}
