package io.sluice.perf;

import java.util.Map;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Each round's throughput, one line per side: the tables give the median, this shows the spread and any drift over
 * the run that the A-B-B-A order is there to share out.
 */
public final class RoundsChart {

    private RoundsChart() {
    }

    /** {@code rounds} maps each line's legend to its value per round, round 1 first. */
    public static PerfFigure figure(String slug, String title, Map<String, double[]> rounds, String unit) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[]> line : rounds.entrySet()) {
            XYSeries series = new XYSeries(line.getKey(), false, true);
            for (int round = 0; round < line.getValue().length; round++) {
                series.add(round + 1, line.getValue()[round]);
            }
            data.addSeries(series);
        }
        NumberAxis x = new NumberAxis("round (A-B-B-A: the first side of each round alternates)");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(unit);
        y.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, x, y, new XYLineAndShapeRenderer(true, true));
        return new PerfFigure(slug, title, new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }
}
