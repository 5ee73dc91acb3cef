/* Grid map island: draws the GeoJSON polygons of an element's data-geojson URL with Leaflet,
   without a tile server (plain background), fitted to the polygons. Each grid shows its name
   and code; a click opens the grid's page (feature property "url", or data-grid-url with the
   zero UUID replaced by the feature's "uuid"). */
(function () {
  "use strict";
  function init(el) {
    // On phones one finger scrolls the page, not the map; the zoom buttons still work.
    var map = L.map(el, {
      attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false, dragging: !L.Browser.mobile
    });
    fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var features = (data && data.features) || [];
        var many = features.length > 40;
        var layer = L.geoJSON(data, {
          style: function () {
            return { color: "#b3261e", weight: 1.5, fillColor: "#f2b8b5", fillOpacity: 0.35 };
          },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties || {};
            var label = (p.name || "") + (p.code ? "\n" + p.code : "");
            var tip = document.createElement("span");
            tip.textContent = label;
            tip.style.whiteSpace = "pre";
            lyr.bindTooltip(tip, { permanent: !many, direction: "center", className: "grid-label" });
            var url = p.url || (p.uuid && el.dataset.gridUrl
              ? el.dataset.gridUrl.replace("00000000-0000-0000-0000-000000000000", p.uuid) : null);
            if (url) {
              lyr.on("click", function () { window.location.href = url; });
              lyr.on("mouseover", function () { lyr.setStyle({ fillOpacity: 0.6 }); });
              lyr.on("mouseout", function () { lyr.setStyle({ fillOpacity: 0.35 }); });
            }
          }
        }).addTo(map);
        el.dataset.features = String(features.length);
        if (features.length) {
          map.fitBounds(layer.getBounds(), { padding: [12, 12] });
        } else {
          map.setView([35, 105], 4);
          var empty = document.getElementById(el.id + "-empty");
          if (empty) { empty.hidden = false; }
        }
        el.dataset.ready = "1";
      })
      .catch(function () { el.dataset.ready = "error"; });
  }
  document.querySelectorAll("[data-geojson]").forEach(init);
})();
