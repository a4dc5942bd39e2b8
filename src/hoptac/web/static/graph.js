// The entity page's related-entities graph: D3 v3 force layout (xstatic-d3), nodes link to their pages.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("graph");
  var dataEl = document.getElementById("graph-data");
  if (!holder || !dataEl || !window.d3) return;
  var data = JSON.parse(dataEl.textContent);
  if (!data.nodes || data.nodes.length < 2) { holder.hidden = true; return; }
  var w = holder.clientWidth || 600, h = holder.clientHeight || 400;
  var maxW = d3.max(data.links, function (l) { return l.weight; }) || 1;
  var svg = d3.select(holder).append("svg").attr("viewBox", "0 0 " + w + " " + h).attr("role", "img");
  var force = d3.layout.force().nodes(data.nodes).links(data.links).size([w, h])
    .charge(-320).linkDistance(function (l) { return 150 - 90 * l.weight / maxW; }).gravity(0.08);
  var link = svg.selectAll("line").data(data.links).enter().append("line")
    .attr("stroke-width", function (l) { return 1 + 4 * l.weight / maxW; });
  var node = svg.selectAll("g.node").data(data.nodes).enter().append("g").attr("class", "node").call(force.drag);
  node.append("circle").attr("r", function (d) { return d.center ? 14 : 8; })
    .attr("class", function (d) { return "node-" + d.type; });
  node.append("title").text(function (d) { return d.name; });
  node.append("text").attr("dx", 12).attr("dy", 4).text(function (d) { return d.name.length > 28 ? d.name.slice(0, 27) + "…" : d.name; });
  node.on("click", function (d) { if (d3.event.defaultPrevented) return; if (!d.center) window.location.href = "/entity/" + d.id; });
  data.nodes[0].fixed = true; data.nodes[0].x = w / 2; data.nodes[0].y = h / 2;
  force.on("tick", function () {
    data.nodes.forEach(function (d) { d.x = Math.max(10, Math.min(w - 60, d.x)); d.y = Math.max(10, Math.min(h - 10, d.y)); });
    link.attr("x1", function (l) { return l.source.x; }).attr("y1", function (l) { return l.source.y; })
        .attr("x2", function (l) { return l.target.x; }).attr("y2", function (l) { return l.target.y; });
    node.attr("transform", function (d) { return "translate(" + d.x + "," + d.y + ")"; });
  });
  force.start();
  holder.dataset.ready = "1";
});
