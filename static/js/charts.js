// Draws the dashboard's charts from the JSON block #chart-data (no inline scripts: CSP).
// Every chart has a table with the same figures next to it; a click on a bar opens its records.
(() => {
  const charts = [];

  // The one style of insieme/core/money.py, whatever the page's language: "€ 60.000,00" (a
  // no-break space after the euro sign, Italian grouping from the thousands, two decimals) and
  // "7,5" for other numbers. Intl's own currency style would write "60.000,00 €" and "1000,00 €".
  const NBSP = "\u00a0";
  const amount = new Intl.NumberFormat("it-IT", {
    minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: "always",
  });
  const decimal = new Intl.NumberFormat("it-IT", { maximumFractionDigits: 1, useGrouping: "always" });

  function formatter(money) {
    return money ? (value) => `€${NBSP}${amount.format(value)}` : (value) => decimal.format(value);
  }

  // Long category names (a funder and its fund) are wrapped, not cut off at the chart's edge.
  function wrap(label, width = 26) {
    const lines = [];
    let line = "";
    for (const word of String(label).split(" ")) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  function draw() {
    const source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    while (charts.length) {
      charts.pop().destroy();
    }
    const data = JSON.parse(source.textContent);
    for (const spec of data.charts) {
      const canvas = document.querySelector(`canvas[data-chart="${spec.id}"]`);
      if (!canvas || !spec.labels.length) {
        continue;
      }
      const round = spec.kind === "doughnut";
      const palette = spec.palette;  // insieme/impact/dashboard/cells.py PALETTE, as in the PDF
      const format = formatter(spec.money);
      const chart = new Chart(canvas, {
        type: spec.kind,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map((dataset, index) => ({
            label: dataset.label,
            data: dataset.data,
            backgroundColor: round ? palette : palette[index % palette.length],
            borderColor: round ? "#ffffff" : palette[index % palette.length],
            tension: 0.2,
          })),
        },
        options: {
          indexAxis: spec.horizontal ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: round ? {} : {
            [spec.horizontal ? "y" : "x"]: {
              stacked: spec.stacked,
              ticks: { callback(value) { return wrap(this.getLabelForValue(value)); } },
            },
            [spec.horizontal ? "x" : "y"]: { stacked: spec.stacked, beginAtZero: true, ticks: { callback: format } },
          },
          plugins: {
            legend: { display: round || spec.datasets.length > 1 },
            tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } },
          },
          onClick: (_event, elements) => {
            if (!elements.length) {
              return;
            }
            const { datasetIndex, index } = elements[0];
            const link = spec.datasets[datasetIndex].links[index];
            if (link) {
              window.location.assign(link);
            }
          },
        },
      });
      charts.push(chart);
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
