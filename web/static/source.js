// Scroll to the cited passage and give it focus, so keyboard and screen-reader users land on it.
(function () {
  var cited = document.getElementById("cited");
  if (cited) { cited.scrollIntoView({ block: "center" }); cited.focus({ preventScroll: true }); }
})();
