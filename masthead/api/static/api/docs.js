/* The API's docs page: Swagger UI over the OpenAPI document. A script file, not inline: the
   site's Content Security Policy allows no inline script. Requests made from the page use the
   session, so unsafe ones carry the CSRF token as the site's own forms do. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var csrf = root.dataset.csrfToken;
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      if (csrf && request.method && request.method !== "GET") {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    }
  });
})();
