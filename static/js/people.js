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
