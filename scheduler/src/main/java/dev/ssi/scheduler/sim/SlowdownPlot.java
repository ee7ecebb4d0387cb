package dev.ssi.scheduler.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** Mean slowdown against pool load, one line per policy, overall and for jobs over 100 s (log scale). */
final class SlowdownPlot {
    private static final int PANEL_WIDTH = 520;
    private static final int HEIGHT = 420;
    private static final int MARGIN = 60;
    private static final Color[] COLORS = {Color.GRAY, new Color(0xE69F00), new Color(0x0072B2),
        new Color(0xD55E00), new Color(0x009E73)};

    private SlowdownPlot() {
    }

    static void write(List<Outcome> outcomes, Path file) throws IOException {
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        panel(g, 0, "mean slowdown, all jobs", outcomes, o -> o.overall().mean());
        panel(g, PANEL_WIDTH, "mean slowdown, jobs > 100 s", outcomes, o -> o.longJobs().mean());
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int left, String title, List<Outcome> outcomes,
                              ToDoubleFunction<Outcome> metric) {
        double[] loads = outcomes.stream().mapToDouble(Outcome::load).distinct().sorted().toArray();
        double low = Math.log10(outcomes.stream().mapToDouble(metric).min().orElse(1) * 0.9);
        double high = Math.log10(outcomes.stream().mapToDouble(metric).max().orElse(10) * 1.1);
        int x0 = left + MARGIN;
        int x1 = left + PANEL_WIDTH - 20;
        int y0 = HEIGHT - MARGIN;
        int y1 = 40;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x0, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(x0, y1, x1 - x0, y0 - y1);
        for (int i = 0; i < loads.length; i++) {
            int x = xOf(i, loads.length, x0, x1);
            g.drawString(String.format(Locale.ROOT, "%.0f %%", loads[i] * 100), x - 12, y0 + 16);
        }
        g.drawString("pool load", (x0 + x1) / 2 - 20, y0 + 34);
        for (double tick = Math.pow(10, Math.floor(low)); tick <= Math.pow(10, high); tick *= 10) {
            for (double step : new double[] {1, 2, 5}) {
                double value = tick * step;
                double log = Math.log10(value);
                if (log >= low && log <= high) {
                    int y = yOf(log, low, high, y0, y1);
                    g.setColor(Color.LIGHT_GRAY);
                    g.drawLine(x0, y, x1, y);
                    g.setColor(Color.BLACK);
                    g.drawString(String.format(Locale.ROOT, "%.3g", value), left + 10, y + 4);
                }
            }
        }
        g.setStroke(new BasicStroke(2));
        for (int p = 0; p < Policies.NAMES.size(); p++) {
            String policy = Policies.NAMES.get(p);
            g.setColor(COLORS[p % COLORS.length]);
            int previousX = -1;
            int previousY = -1;
            for (int i = 0; i < loads.length; i++) {
                double load = loads[i];
                Outcome o = outcomes.stream().filter(c -> c.policy().equals(policy) && c.load() == load)
                        .findFirst().orElse(null);
                if (o == null) {
                    continue;
                }
                int x = xOf(i, loads.length, x0, x1);
                int y = yOf(Math.log10(metric.applyAsDouble(o)), low, high, y0, y1);
                g.fillOval(x - 3, y - 3, 7, 7);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                previousX = x;
                previousY = y;
            }
            g.drawString(policy, x0 + 8, y1 + 16 + 14 * p);
        }
        g.setStroke(new BasicStroke(1));
    }

    private static int xOf(int index, int count, int x0, int x1) {
        return count == 1 ? (x0 + x1) / 2 : x0 + 30 + index * (x1 - x0 - 60) / (count - 1);
    }

    private static int yOf(double log, double low, double high, int y0, int y1) {
        return (int) Math.round(y0 - (log - low) / (high - low) * (y0 - y1));
    }
}
