package io.sluice.perf;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;

/**
 * A picture of the performance report: written as {@code <slug>.png} beside {@code report.md}, which links it, so the
 * distributions behind the tables' few percentiles can be seen.
 */
public record PerfFigure(String slug, String title, JFreeChart chart) {

    static final int WIDTH = 720;
    static final int HEIGHT = 400;

    /**
     * One colour per line, in the order the lines are given (Sluice first wherever it is drawn): fixed, so that Sluice
     * has the same colour in every picture, and so that a test can look for a line by its colour.
     */
    static final List<Color> COLOURS = List.of(new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x27, 0x28),
            new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd));

    static {
        // The suite runs on CI machines without a display; AWT must not look for one when the first chart is drawn.
        System.setProperty("java.awt.headless", "true");
    }

    public PerfFigure {
        chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 14)));
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        int series = plot.getDataset().getSeriesCount();
        if (series > COLOURS.size()) {
            throw new IllegalArgumentException(slug + ": " + series + " lines, colours for " + COLOURS.size());
        }
        for (int s = 0; s < series; s++) {
            plot.getRenderer().setSeriesPaint(s, COLOURS.get(s));
            plot.getRenderer().setSeriesStroke(s, new BasicStroke(2f));
        }
    }

    public String fileName() {
        return slug + ".png";
    }

    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}
