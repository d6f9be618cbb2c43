/*
 * statgen-charts.js: progressive enhancement for statgen publication pages.
 *
 * Loaded with `defer` after plotly.min.js. No inline script is needed:
 *   1. swaps the `no-js` class on <html> for `js`;
 *   2. draws every `.statgen-chart` from the JSON in the element named by its
 *      `data-figure-json` attribute, using Plotly;
 *   3. opens every <details> before printing (and restores them afterwards)
 *      so the "Show the data" tables appear on paper.
 * If Plotly is not available or a figure cannot be drawn, the empty chart
 * container is hidden and the data table stays as the fallback.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function hideChart(div) {
    div.hidden = true;
    div.classList.add("statgen-chart--unavailable");
  }

  function drawChart(div) {
    var sourceId = div.getAttribute("data-figure-json");
    var source = sourceId ? document.getElementById(sourceId) : null;
    if (!source) {
      hideChart(div);
      return;
    }
    var fig;
    try {
      fig = JSON.parse(source.textContent);
    } catch (err) {
      hideChart(div);
      return;
    }
    var layout = fig.layout || {};
    // Let the stylesheet decide the height and the container the width.
    delete layout.height;
    delete layout.width;
    layout.autosize = true;
    // Stop tick labels, axis titles and legends overlapping on small screens.
    ["xaxis", "yaxis"].forEach(function (name) {
      layout[name] = layout[name] || {};
      if (layout[name].automargin === undefined) {
        layout[name].automargin = true;
      }
    });
    var narrow = div.clientWidth < 500;
    if (narrow) {
      // Smaller text on phones, so tick labels, axis titles and legends fit beside the plot.
      layout.font = layout.font || {};
      layout.font.size = 12;
      layout.legend = layout.legend || {};
      layout.legend.font = layout.legend.font || {};
      layout.legend.font.size = 12;
      ["xaxis", "yaxis"].forEach(function (name) {
        layout[name].tickfont = layout[name].tickfont || {};
        layout[name].tickfont.size = 12;
        var title = layout[name].title;
        if (title && typeof title === "object") {
          title.font = title.font || {};
          title.font.size = 12;
        }
      });
    }
    var horizontal = (fig.data || []).some(function (trace) {
      return trace.orientation === "h";
    });
    if (narrow && !horizontal) {
      // Three level labels rather than many rotated ones, which squeeze the plot sideways.
      layout.xaxis.tickangle = 0;
      layout.xaxis.nticks = 3;
    }
    // A horizontal bar chart needs room for every category's label, or Plotly skips some.
    var rows = 0;
    (fig.data || []).forEach(function (trace) {
      if (trace.orientation === "h" && trace.y) {
        rows = Math.max(rows, trace.y.length);
      }
    });
    var needed = rows * (narrow ? 24 : 30) + 100;
    if (rows && div.clientHeight < needed) {
      div.style.height = needed + "px";
    }
    // On narrow screens a horizontal legend below the x axis collides with
    // rotated tick labels: move it above the plot area instead.
    var legend = layout.legend;
    if (narrow && legend && legend.orientation === "h" &&
        typeof legend.y === "number" && legend.y < 0) {
      legend.x = 0;
      legend.xanchor = "left";
      legend.y = 1.02;
      legend.yanchor = "bottom";
    }
    var config = {
      responsive: true,
      displaylogo: false,
      // No mode bar: its buttons would be controls nested inside the chart's role="img".
      displayModeBar: false
    };
    try {
      var drawn = window.Plotly.newPlot(div, fig.data || [], layout, config);
      if (drawn && typeof drawn.catch === "function") {
        drawn.catch(function () {
          window.Plotly.purge(div);
          hideChart(div);
        });
      }
    } catch (err2) {
      hideChart(div);
    }
  }

  function drawAll() {
    var charts = document.querySelectorAll(".statgen-chart");
    var i;
    if (!window.Plotly || typeof window.Plotly.newPlot !== "function") {
      for (i = 0; i < charts.length; i++) {
        hideChart(charts[i]);
      }
      return;
    }
    for (i = 0; i < charts.length; i++) {
      drawChart(charts[i]);
    }
  }

  // Print: open closed <details> so their content is on paper.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    var all = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < all.length; i++) {
      all[i].setAttribute("open", "");
      openedForPrint.push(all[i]);
    }
  });
  window.addEventListener("afterprint", function () {
    while (openedForPrint.length) {
      openedForPrint.pop().removeAttribute("open");
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
