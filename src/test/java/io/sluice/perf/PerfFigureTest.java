package io.sluice.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's pictures, drawn from known data and read back as pixels; the real ones come from {@link PerformanceSuiteIT}. */
class PerfFigureTest {

    @TempDir
    Path dir;

    @Test
    void theSlowerHistogramIsDrawnAboveTheFasterInItsOwnColour() throws Exception {
        Histogram fast = new Histogram(3);
        Histogram slow = new Histogram(3);
        for (long micros = 100; micros <= 1_000; micros++) {
            fast.recordValue(micros * 1_000);
            slow.recordValue(micros * 10_000);
        }
        Map<String, Histogram> lines = new LinkedHashMap<>();
        lines.put("fast", fast);
        lines.put("slow", slow);

        BufferedImage image = ImageIO.read(PercentileChart.figure("latency-test", "two histograms", lines,
                TimeUnit.NANOSECONDS).write(dir).toFile());

        assertThat(image.getWidth()).isEqualTo(PerfFigure.WIDTH);
        assertThat(image.getHeight()).isEqualTo(PerfFigure.HEIGHT);
        // The legend draws each colour too, below the plot: the topmost pixel of a colour is its line's highest point.
        OptionalInt fastTop = topmostRow(image, PerfFigure.COLOURS.get(0));
        OptionalInt slowTop = topmostRow(image, PerfFigure.COLOURS.get(1));
        assertThat(pixels(image, PerfFigure.COLOURS.get(0))).as("pixels of the first line").isGreaterThan(300);
        assertThat(pixels(image, PerfFigure.COLOURS.get(1))).as("pixels of the second line").isGreaterThan(300);
        assertThat(slowTop.getAsInt()).as("10x slower reaches higher").isLessThan(fastTop.getAsInt() - 100);
    }

    @Test
    void thePercentileAxisIsLabelledInPercentiles() {
        assertThat(PercentileChart.PercentileAxis.label(1)).isEqualTo("0%");
        assertThat(PercentileChart.PercentileAxis.label(2)).isEqualTo("50%");
        assertThat(PercentileChart.PercentileAxis.label(10)).isEqualTo("90%");
        assertThat(PercentileChart.PercentileAxis.label(1_000)).isEqualTo("99.9%");
        assertThat(PercentileChart.PercentileAxis.label(100_000)).isEqualTo("99.999%");
    }

    @Test
    void eachRoundIsAPointOfItsSidesLine() throws Exception {
        Map<String, double[]> rounds = new LinkedHashMap<>();
        rounds.put("sluice", new double[] { 20_000, 21_000, 19_500, 20_500 });
        rounds.put("baseline", new double[] { 30_000, 31_000, 29_000, 30_500 });

        BufferedImage image = ImageIO.read(RoundsChart.figure("throughput-test", "rounds", rounds, "exchanges/s")
                .write(dir).toFile());

        assertThat(topmostRow(image, PerfFigure.COLOURS.get(1)).getAsInt()).as("the faster side is higher")
                .isLessThan(topmostRow(image, PerfFigure.COLOURS.get(0)).getAsInt());
    }

    @Test
    void theReportLinksEveryPictureItWrites() throws Exception {
        Histogram one = new Histogram(3);
        one.recordValue(1_000);
        PerfReport report = new PerfReport(dir, PerfSettings.current());
        report.add(new PerfTable("t", "A table", "a").row("1"));
        report.addFigures(java.util.List.of(
                PercentileChart.figure("latency-one", "One latency", Map.of("sluice", one), TimeUnit.MICROSECONDS),
                RoundsChart.figure("throughput-one", "One round", Map.of("sluice", new double[] { 5 }), "requests/s")));

        String markdown = Files.readString(report.write());

        assertThat(markdown).contains("![One latency](latency-one.png)", "![One round](throughput-one.png)");
        assertThat(ImageIO.read(dir.resolve("latency-one.png").toFile())).isNotNull();
        assertThat(ImageIO.read(dir.resolve("throughput-one.png").toFile())).isNotNull();
    }

    /** Pixels close to {@code colour}: anti-aliasing blends a line's edges into the background. */
    private static long pixels(BufferedImage image, Color colour) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += near(image.getRGB(x, y), colour) ? 1 : 0;
            }
        }
        return n;
    }

    private static OptionalInt topmostRow(BufferedImage image, Color colour) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (near(image.getRGB(x, y), colour)) {
                    return OptionalInt.of(y);
                }
            }
        }
        return OptionalInt.empty();
    }

    private static boolean near(int rgb, Color colour) {
        Color c = new Color(rgb);
        return Math.abs(c.getRed() - colour.getRed()) + Math.abs(c.getGreen() - colour.getGreen())
                + Math.abs(c.getBlue() - colour.getBlue()) < 40;
    }
}
