package io.sluice.perf;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * HdrHistogram's percentile distribution plot: latency against percentile on a log scale of 1/(1-p), so that 90%,
 * 99%, 99.9% ... are equally far apart and the tail, where a stall shows, gets as much room as the median.
 */
public final class PercentileChart {

    /** Points per halving of the distance to 100%, as HdrHistogram's own percentile output uses. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;

    private PercentileChart() {
    }

    /** One line per histogram, in the map's order; values recorded in {@code unit}, drawn in milliseconds. */
    public static PerfFigure figure(String slug, String title, Map<String, Histogram> lines, TimeUnit unit) {
        double toMillis = unit.toNanos(1) / 1e6;
        XYSeriesCollection data = new XYSeriesCollection();
        double widest = 10;
        for (Map.Entry<String, Histogram> line : lines.entrySet()) {
            XYSeries series = new XYSeries(line.getKey() + " (" + line.getValue().getTotalCount() + " samples)", false, true);
            if (line.getValue().getTotalCount() > 0) {
                Histogram h = line.getValue();
                double x = 1;
                for (HistogramIterationValue v : h.percentiles(TICKS_PER_HALF_DISTANCE)) {
                    double p = v.getPercentileLevelIteratedTo();
                    // 1/(1-p) is infinite at 100%: the maximum goes where n samples stop resolving the tail, 1/(1-p) = n.
                    x = p < 100 ? 100 / (100 - p) : Math.max(x * 1.01, h.getTotalCount());
                    series.add(x, h.highestEquivalentValue(v.getValueIteratedTo()) * toMillis);
                    if (p >= 100) {
                        break;
                    }
                }
                widest = Math.max(widest, x);
            }
            data.addSeries(series);
        }
        PercentileAxis x = new PercentileAxis();
        x.setRange(1, widest * 1.05);
        NumberAxis y = new NumberAxis("latency (ms)");
        y.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, x, y, new XYLineAndShapeRenderer(true, false));
        return new PerfFigure(slug, title, new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    /** A log axis of 1/(1-p) labelled in percentiles at 0%, 50%, 90%, 99%, 99.9% ... rather than in its raw values. */
    static final class PercentileAxis extends LogAxis {

        private static final DecimalFormat PERCENT = new DecimalFormat("0.#####");

        PercentileAxis() {
            super("percentile (log scale of 1/(1-p))");
            setSmallestValue(1);
        }

        @Override
        public List<NumberTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            List<NumberTick> ticks = new ArrayList<>();
            List<Double> at = new ArrayList<>(List.of(1.0, 2.0));
            for (double x = 10; x <= getUpperBound(); x *= 10) {
                at.add(x);
            }
            for (double x : at) {
                ticks.add(new NumberTick(x, label(x), TextAnchor.TOP_CENTER, TextAnchor.CENTER, 0));
            }
            return ticks;
        }

        static String label(double inverseOfTail) {
            return PERCENT.format(100 * (1 - 1 / inverseOfTail)) + "%";
        }
    }
}
