// Progressive enhancement for the scan page: shrink a large photo in the browser
// before upload, to save the citizen's mobile data. Without JavaScript the form
// uploads the original photo and the server scales it down itself.
(function () {
  "use strict";
  var form = document.querySelector("form.scan[data-downscale]");
  if (!form || !window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) return;
  var maxSide = parseInt(form.getAttribute("data-downscale"), 10);
  var input = form.querySelector("input[type=file]");
  var busy = false;
  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (busy || !file || !/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < 1500000) return;
    event.preventDefault();
    busy = true;
    var url = URL.createObjectURL(file);
    var img = new Image();
    img.onload = function () {
      var scale = Math.min(1, maxSide / Math.max(img.naturalWidth, img.naturalHeight));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.naturalWidth * scale);
      canvas.height = Math.round(img.naturalHeight * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) {
        if (blob) {
          var transfer = new DataTransfer();
          transfer.items.add(new File([blob], "photo.jpg", { type: "image/jpeg" }));
          input.files = transfer.files;
        }
        form.submit();
      }, "image/jpeg", 0.88);
    };
    img.onerror = function () { URL.revokeObjectURL(url); form.submit(); };
    img.src = url;
  });
})();
