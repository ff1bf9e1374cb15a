package io.sluice.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Observability mode: traffic flows untouched, Sluice sees every body byte and answers nothing. */
@QuarkusTest
class ObservabilityModeE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("observability");
    }

    @Test
    void bodiesAreAuditedWhileTrafficFlowsUnchanged() throws Exception {
        double before = auditedRequestBytes();
        byte[] upload = new byte[300 * 1024];
        new java.util.Random(7).nextBytes(upload);
        throughEnvoy().contentType("application/octet-stream").body(upload).post("/audit/upload")
                .then().statusCode(200)
                .body("body.bytes", equalTo(upload.length))
                .body("body.sha256", equalTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload))));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> auditedRequestBytes() - before >= upload.length);
        org.assertj.core.api.Assertions.assertThat(extProcCounter("spurious_msgs_received")).isZero();
    }

    private static double auditedRequestBytes() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^sluice_body_audit_bytes_sum\\{[^}]*direction=\"request\"[^}]*} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
