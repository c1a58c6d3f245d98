// Person form: fill the date of birth and the sex from what the codice fiscale says,
// when the operator has not typed them (the server checks them anyway).
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "code-info") {
    return;
  }
  const info = event.detail.target.querySelector("[data-birth-date]");
  if (!info) {
    return;
  }
  const birthDate = document.getElementById("id_birth_date");
  if (birthDate && !birthDate.value) {
    birthDate.value = info.dataset.birthDate;
  }
  const sex = document.getElementById("id_sex");
  if (sex && !sex.value) {
    sex.value = info.dataset.sex;
  }
});

// People list: a search that looks like a codice fiscale travels in a request header, not in
// the address, so that codes stay out of URLs, browser history and server access logs.
const CODE_LIKE = /^\s*([A-Za-z]{6}\s*\d{2}|\d{8})/;
document.addEventListener("htmx:configRequest", (event) => {
  const params = event.detail.parameters;
  const form = event.detail.elt;
  if (!form.matches || !form.matches("form[data-code-search]")) {
    return;
  }
  const query = params.q;
  if (typeof query === "string" && CODE_LIKE.test(query)) {
    delete params.q;
    event.detail.headers["X-Insieme-Search"] = query.trim();
  }
});
