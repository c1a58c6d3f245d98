"""Accessibility: axe-core on every main page of every role, and the keyboard alone.

axe-core comes from npm at setup (package.json → static/vendor/axe-core/). It is loaded into the
page from our own origin, so the Content Security Policy stays on while it runs. A page fails on
any violation axe rates "serious" or "critical"; the message names the page, the rule and the
elements. Colour contrasts axe leaves undecided because the element is partly covered are
measured by the test against the nearest plain background.

Keyboard: on the busiest pages of each role, Tab must reach every control, in the order of the
page, each with a visible focus; the key journeys (skip link, log in with the second factor, find
a person, score an application, the phone menu) are done with the keyboard alone.

The data are the demo programme plus what it lacks for each role to have something of its own: an
open call with a draft, two applications assigned to the evaluator (one still to declare, one to
score), a project followed by the coach and reported on by the applicant.
"""

import itertools
import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import make_user
from insieme.accounts.demo import DEMO_PASSWORD, current_code, demo_totp_secret, ensure_demo_users
from insieme.accounts.models import Role, User
from insieme.accounts.navigation import entries_for
from insieme.calls import services as calls
from insieme.calls.tests.helpers import complete, eligible, make_call, start
from insieme.employment.models import Interview, Registration, Vacancy
from insieme.evaluations import services as evaluations
from insieme.evaluations.models import Assignment
from insieme.grants.models import Fund, Grant
from insieme.impact.demo import load_demo_programme, partita_iva
from insieme.network.models import Organisation
from insieme.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_URL = "/static/vendor/axe-core/axe.min.js"
ROLES = ["anonymous", "applicant", "partner", "operator", "coach", "evaluator", "funder", "admin"]
ROLE_OF = {
    "applicant": Role.APPLICANT,
    "partner": Role.PARTNER,
    "operator": Role.OPERATOR,
    "coach": Role.COACH,
    "evaluator": Role.EVALUATOR,
    "funder": Role.FUNDER,
    "admin": Role.ADMIN,
}


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int] = field(default_factory=dict)


def submitted_by_another_organisation(call, operator):
    """An application, submitted and found eligible, from a second organisation."""
    user = make_user("spiga@example.org", Role.APPLICANT)
    application = calls.start_application(
        call,
        by=user,
        title="Emporio solidale",
        as_organisation=True,
        fiscal_code=partita_iva(9_300_001),
        organisation_name="Cooperativa La Spiga",
        legal_form="cooperativa_sociale",
    )
    complete(application, user)
    calls.submit_application(application, by=user)
    results = [(item, True, "") for item in call.eligibility_items.all()]
    return calls.record_screening(application, results, by=operator)


def build_world() -> World:
    """The demo programme, plus one thing of its own for each role."""
    users = {role.value: user for role, user, _secret in ensure_demo_users()}
    load_demo_programme()
    by_role = {name: users[role.value] for name, role in ROLE_OF.items()}
    operator, evaluator = by_role["operator"], by_role["evaluator"]

    call = make_call(code="A11Y-2026", title="Innovazione sociale 2026", blind_evaluation=True)
    draft = start(call, by_role["applicant"], title="Orto di quartiere")
    to_declare = eligible(
        call, make_user("ponte@example.org", Role.APPLICANT), operator, organisation=True
    )
    to_score = submitted_by_another_organisation(call, operator)
    Assignment.objects.create(application=to_declare, evaluator=evaluator, assigned_by=operator)
    scoring = Assignment.objects.create(
        application=to_score, evaluator=evaluator, assigned_by=operator
    )
    evaluations.declare_interest(scoring, by=evaluator, conflict=False)

    grant = Grant.objects.select_related("application__project").order_by("pk").first()
    assert grant is not None
    project = grant.application.project
    project.coaches.add(by_role["coach"])
    project.reporting_users.add(by_role["applicant"])
    person = Person.objects.filter(registrations__isnull=False).order_by("pk").first()
    assert person is not None
    interview = Interview.objects.order_by("pk").first()
    assert interview is not None
    ids = {
        "call": call.pk,
        "draft": draft.pk,
        "to_declare": Assignment.objects.get(application=to_declare).pk,
        "to_score": scoring.pk,
        "application": to_score.pk,
        "project": project.pk,
        "grant": grant.pk,
        "fund": Fund.objects.order_by("pk").values_list("pk", flat=True)[0],
        "person": person.pk,
        "interview": interview.pk,
        "organisation": Organisation.objects.order_by("pk").values_list("pk", flat=True)[0],
        "vacancy": Vacancy.objects.order_by("pk").values_list("pk", flat=True)[0],
        "registration": Registration.objects.order_by("pk").values_list("pk", flat=True)[0],
    }
    return World(users=by_role, ids=ids)


def pages_for(role: str, world: World) -> list[str]:
    """The main pages of a role: its navigation, then the pages one reaches from there."""
    i = world.ids
    common_public = ["/", "/bandi/", f"/bandi/{i['call']}/", "/privacy/", "/accessibilita/"]
    profile = ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/api/chiavi/"]
    if role == "anonymous":
        return [
            *common_public,
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/lavoro/iscrizione/",
            "/cruscotto/pubblico/",
            "/api/documentazione/",
            "/pagina-che-non-esiste/",
        ]
    user = world.users[role]
    nav = [entry["url"] for entry in entries_for(user) if entry["url"] != "/admin/"]
    extra = {
        "applicant": [
            f"/candidature/{i['draft']}/",
            f"/bandi/{i['call']}/candidati/",
            "/fondi/contributi/",
            f"/fondi/contributi/{i['grant']}/",
            "/accounts/2fa/totp/activate/",
            "/persone/",  # 403
        ],
        "partner": [f"/offerte/{i['vacancy']}/", "/offerte/nuova/"],
        "operator": [
            f"/persone/{i['person']}/",
            "/persone/nuova/",
            f"/lavoro/persone/{i['person']}/",
            f"/lavoro/colloqui/{i['interview']}/",
            "/lavoro/persone/",
            "/lavoro/agenda/",
            "/lavoro/servizi/",
            "/lavoro/promemoria/",
            "/offerte/rifiuti/",
            f"/offerte/{i['vacancy']}/",
            f"/organizzazioni/{i['organisation']}/",
            "/organizzazioni/nuova/",
            f"/bandi/gestione/{i['call']}/",
            f"/bandi/gestione/{i['call']}/modulo/",
            f"/bandi/candidature/{i['application']}/",
            f"/valutazioni/bandi/{i['call']}/assegnazioni/",
            f"/valutazioni/bandi/{i['call']}/graduatoria/",
            f"/progetti/{i['project']}/",
            "/progetti/calendario/",
            f"/fondi/{i['fund']}/",
            f"/fondi/contributi/{i['grant']}/",
            "/fondi/de-minimis/",
            "/cruscotto/dati/projects.accompanied/",
            "/api/documentazione/",
        ],
        "coach": [f"/progetti/{i['project']}/", "/progetti/calendario/"],
        "evaluator": [f"/valutazioni/{i['to_declare']}/", f"/valutazioni/{i['to_score']}/"],
        "funder": ["/cruscotto/pubblico/"],
        "admin": ["/utenti/invita/", "/admin/", f"/persone/{i['person']}/"],
    }[role]
    return ["/", *nav, *extra, *profile]


def settled(page: Page) -> None:
    """Wait for the panels htmx loads after the page (the home page's reminders, say)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def context_for(browser: Browser, live_server, user: User | None, **options) -> BrowserContext:
    """A browser context, already logged in as `user` (the login itself has its own test)."""
    context = browser.new_context(locale="it-IT", **options)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def watch_console(page: Page) -> list[str]:
    """Errors the browser reports (a CSP refusal among them), as they happen.

    A page that answers 403 or 404 on purpose is reported too, as the resource it is: not counted.
    The Django admin names no icon, so the browser asks for /favicon.ico: not counted either.
    """
    errors: list[str] = []

    def note(message) -> None:
        where = message.location.get("url", "")
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and (
            where == page.url or where.endswith("/favicon.ico")
        ):
            return
        errors.append(f"{page.url}: {message.text} ({where})")

    page.on("console", note)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


AXE_RUN = """async () => {
  const result = await axe.run(document);
  const found = result.violations
    .filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
                count: v.nodes.length}));
  // Where axe cannot decide a contrast because the element is partly covered (badges in
  // scrolling tables, the header's buttons), measure it against the nearest plain background.
  const undecided = result.incomplete.filter(v => v.id === 'color-contrast')
    .flatMap(v => v.nodes)
    .filter(n => (n.any[0] || {}).data && n.any[0].data.messageKey === 'elmPartiallyObscured');
  const luminance = colour => {
    const [r, g, b, alpha = 1] = colour.match(/[\\d.]+/g).map(Number);
    const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return [0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b), alpha];
  };
  const poor = [];
  for (const node of undecided) {
    const el = document.querySelector(node.target[0]);
    if (!el) continue;
    let background = 'rgb(255, 255, 255)';
    for (let p = el; p && p !== document.documentElement; p = p.parentElement) {
      const colour = getComputedStyle(p).backgroundColor;
      if (luminance(colour)[1] > 0) { background = colour; break; }
    }
    const [fg] = luminance(getComputedStyle(el).color);
    const [bg, alpha] = luminance(background);
    if (alpha < 1) continue;  // a translucent background: nothing sure to measure
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) poor.push(`${node.target.join(' ')} ${ratio.toFixed(2)}:1`);
  }
  if (poor.length) found.push({id: 'color-contrast', impact: 'serious',
    help: 'Elements must meet minimum color contrast ratio thresholds (measured by the test)',
    targets: poor.slice(0, 5), count: poor.length});
  return found;
}"""


def axe_problems(page: Page, where: str) -> list[str]:
    """The serious and critical violations axe finds on the page, one readable line each."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(url=AXE_URL)  # from our origin: allowed by script-src 'self'
    return [
        f"{where}: [{v['impact']}] {v['id']} — {v['help']} ({v['count']} x: "
        + ", ".join(v["targets"])
        + ")"
        for v in page.evaluate(AXE_RUN)
    ]


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    return build_world()


# axe and the keyboard alone ------------------------------------------------------------------

WATCH_FOCUS = """() => {
  window.__focus = [];
  const all = () => Array.from(document.querySelectorAll('*'));
  document.addEventListener('focusin', event => {
    const el = event.target;
    const entry = {index: all().indexOf(el), name: describe(el), visible: null};
    window.__focus.push(entry);
    // The focus style as it ends up, its transitions run to the end (now: the next Tab is near).
    getComputedStyle(el).boxShadow;
    el.getAnimations().forEach(animation => animation.finish());
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && !/rgba\\(0, 0, 0, 0\\)|transparent/.test(style.outlineColor);
    entry.visible = outline || style.boxShadow !== 'none';
  }, true);
  function describe(el) {
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.name
                  || el.id || '').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${text}"`;
  }
  window.__describe = describe;
}"""

FOCUSABLE = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex], [contenteditable=""], [contenteditable=true]';
  const all = Array.from(document.querySelectorAll('*'));
  const seenRadio = new Set();
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 || el.closest('[inert]')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (el.type === 'radio') {  // a group of radio buttons is one tab stop
      const group = el.form ? el.form.id + '/' + el.name : el.name;
      const members = Array.from(document.querySelectorAll(
        `input[type=radio][name="${CSS.escape(el.name)}"]`)).map(r => all.indexOf(r));
      if (seenRadio.has(group)) continue;
      seenRadio.add(group);
      found.push({indexes: members, name: window.__describe(el), date: false});
      continue;
    }
    found.push({indexes: [all.indexOf(el)], name: window.__describe(el),
                date: ['date', 'time', 'datetime-local'].includes(el.type),
                positive: el.tabIndex > 0});
  }
  return found;
}"""


def keyboard_problems(page: Page, where: str) -> list[str]:
    """Tab through the page: every control reached, in the order of the page, focus visible."""
    page.evaluate(WATCH_FOCUS)
    expected = page.evaluate(FOCUSABLE)
    problems = [f"{where}: positive tabindex on {e['name']}" for e in expected if e.get("positive")]
    # Date and time fields take one Tab per part (day, month, year).
    presses = len(expected) + 2 * sum(e["date"] for e in expected) + 2
    for _ in range(presses):
        page.keyboard.press("Tab")
    page.wait_for_timeout(20)
    log = page.evaluate("() => window.__focus")
    visited: list[dict] = []
    for entry in log:
        if visited and entry["index"] == visited[0]["index"]:
            break  # round the page and back to the start
        if not visited or entry["index"] != visited[-1]["index"]:
            visited.append(entry)
    reached = {entry["index"] for entry in visited}
    for e in expected:
        if not reached.intersection(e["indexes"]):
            problems.append(f"{where}: Tab never reaches {e['name']}")
    for before, after in itertools.pairwise(visited):
        if after["index"] < before["index"]:
            problems.append(f"{where}: Tab goes back from {before['name']} to {after['name']}")
    problems += [f"{where}: no visible focus on {e['name']}" for e in visited if not e["visible"]]
    return problems


KEYBOARD_PAGES = {
    "anonymous": ["/", "/accounts/login/", "/lavoro/iscrizione/", "/bandi/"],
    "applicant": ["/", "/candidature/{draft}/"],
    "partner": ["/offerte/nuova/"],
    "operator": ["/", "/persone/", "/persone/{person}/", "/cruscotto/", "/bandi/gestione/{call}/"],
    "coach": ["/progetti/{project}/"],
    "evaluator": ["/valutazioni/{to_score}/"],
    "funder": ["/fondi/finanziatore/"],
    "admin": ["/utenti/"],
}


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_pass_axe_and_the_keyboard_reaches_everything(
    role, world, live_server, browser: Browser
):
    """axe on every main page of the role; Tab through the busiest of them."""
    context = context_for(browser, live_server, world.users.get(role))
    page = context.new_page()
    console = watch_console(page)
    problems: list[str] = []
    keyboard = [path.format(**world.ids) for path in KEYBOARD_PAGES[role]]
    paths = pages_for(role, world)
    assert set(keyboard) <= set(paths)
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None, path
        # Every page answers (a refusal is a page too: it is checked like the others).
        assert response.status in (200, 403, 404), f"{role} {path}: {response.status}"
        settled(page)
        where = f"{role} {path} ({response.status})"
        if path in keyboard:
            problems += keyboard_problems(page, where)
        problems += axe_problems(page, where)
    context.close()
    assert not problems, "accessibility problems:\n" + "\n".join(problems)
    # No CSP refusal nor script error on any page (the vendored bundle used to inject styles).
    assert not console, "errors in the browser console:\n" + "\n".join(console)


def test_axe_finds_nothing_serious_in_the_error_states_of_forms(
    world, live_server, browser: Browser
):
    """Forms sent wrong: the messages must be announced and tied to their fields."""
    problems: list[str] = []
    anonymous = context_for(browser, live_server, None)
    page = anonymous.new_page()

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("nessuno@example.org")
    page.get_by_label("Password").fill("sbagliata")
    page.get_by_role("button", name="Accedi").click()
    expect(page.locator(".alert-danger, .invalid-feedback, [role=alert]").first).to_be_visible()
    problems += axe_problems(page, "anonymous login with a wrong password")

    page.goto(live_server.url + "/lavoro/iscrizione/")
    send_without_browser_checks(page, "main form[method=post]")
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    problems += axe_problems(page, "anonymous empty sign-up for the employment services")

    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("nuova@example.org")
    page.locator("#id_password1").fill("una-password-lunga-2026")
    page.locator("#id_password2").fill("un-altra-password-2026")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    problems += axe_problems(page, "anonymous account sign-up with different passwords")
    anonymous.close()

    office = context_for(browser, live_server, world.users["operator"])
    page = office.new_page()
    page.goto(live_server.url + "/persone/nuova/")
    send_without_browser_checks(page, "main form[method=post]")
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    problems += axe_problems(page, "operator empty person form")
    office.close()

    evaluator = context_for(browser, live_server, world.users["evaluator"])
    page = evaluator.new_page()
    page.goto(live_server.url + f"/valutazioni/{world.ids['to_score']}/")
    page.get_by_label("Impatto sociale").first.fill("99")
    page.get_by_role("button", name="Salva", exact=True).click()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    problems += axe_problems(page, "evaluator score above the maximum")
    evaluator.close()

    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


def send_without_browser_checks(page: Page, form: str) -> None:
    """Send a form as it is, past the browser's own checks, to see the server's messages."""
    locator = page.locator(form).first
    locator.evaluate("f => { f.noValidate = true; }")
    locator.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


def test_the_checks_themselves_catch_what_they_look_for(live_server, browser: Browser):
    """A picture without text, a control with a tab index and no focus style: all reported."""
    context = context_for(browser, live_server, None)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
      const main = document.querySelector('main');
      main.append(document.createElement('img'));
      const button = document.createElement('button');
      button.textContent = 'Prova';
      button.tabIndex = 3;
      button.style.setProperty('outline', 'none', 'important');
      button.style.setProperty('box-shadow', 'none', 'important');
      main.append(button);
      const dim = document.createElement('p');
      dim.textContent = 'Testo poco leggibile';
      dim.style.color = '#bbbbbb';
      main.append(dim);
    }"""
    )
    found = "\n".join(keyboard_problems(page, "prova") + axe_problems(page, "prova"))
    assert "image-alt" in found
    assert "color-contrast" in found
    assert 'positive tabindex on button "Prova"' in found
    assert 'no visible focus on button "Prova"' in found
    context.close()


def focused(page: Page) -> str:
    return page.evaluate(
        "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
    )


def tab_to(page: Page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text is `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page) == text:
            return
    raise AssertionError(f"Tab never reached {text!r} on {page.url}")


def test_key_journeys_with_the_keyboard_alone(world, live_server, browser: Browser):
    """Skip link, log in with the second factor, find a person, score, the phone menu."""
    skip_link_leads_to_the_content(browser, live_server, world)
    cache.clear()
    operator = world.users["operator"]
    context = browser.new_context(locale="it-IT")
    page = context.new_page()
    page.goto(live_server.url + "/")

    # Log in, with the second factor.
    tab_to(page, "Accedi")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email")).to_be_visible()
    tab_to_field(page, "Email")
    page.keyboard.type(operator.email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Codice")).to_be_visible()
    tab_to_field(page, "Codice")
    page.keyboard.type(current_code(demo_totp_secret(operator.email)))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(operator.first_name)

    # Search a person and open their page.
    person = Person.objects.get(pk=world.ids["person"])
    tab_to(page, "Persone")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Persone")
    tab_to_field(page, "Cerca", exact=True)  # the list's own search, not the header's
    page.keyboard.type(person.last_name)
    page.keyboard.press("Enter")
    name = f"{person.last_name} {person.first_name}"
    expect(page.locator("#results").get_by_role("link", name=name).first).to_be_visible()
    tab_to(page, name)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/persone/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.last_name)
    context.close()

    # An evaluator fills in and saves the scores.
    evaluator = context_for(browser, live_server, world.users["evaluator"])
    page = evaluator.new_page()
    page.goto(live_server.url + f"/valutazioni/{world.ids['to_score']}/")
    tab_to_field(page, "Impatto sociale")
    page.keyboard.type("7")
    tab_to_field(page, "Sostenibilità")
    page.keyboard.type("4")
    tab_to(page, "Salva")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").first).to_be_visible()
    score = Assignment.objects.get(pk=world.ids["to_score"]).scores.order_by("criterion__position")
    assert [s.value for s in score] == [7, 4]
    evaluator.close()

    navigation_menu_opens_with_the_keyboard_on_a_phone(browser, live_server, world)


def skip_link_leads_to_the_content(browser: Browser, live_server, world: World) -> None:
    context = context_for(browser, live_server, world.users["operator"])
    page = context.new_page()
    page.goto(live_server.url + "/persone/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Vai al contenuto principale")
    box = skip.bounding_box()
    assert box is not None
    assert box["width"] > 20  # shown when focused
    assert box["height"] > 10
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    page.keyboard.press("Tab")
    # The next stop is inside the content, past the header and its navigation.
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    context.close()


def tab_to_field(page: Page, label: str, limit: int = 80, *, exact: bool = False) -> None:
    """Press Tab until the focused field is the one labelled `label` (or starting with it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        labels = page.evaluate(
            "() => Array.from(document.activeElement.labels || []).map(l => l.innerText.trim())"
        )
        if any(text == label or (not exact and text.startswith(label)) for text in labels):
            return
    raise AssertionError(f"Tab never reached the field {label!r} on {page.url}")


def navigation_menu_opens_with_the_keyboard_on_a_phone(
    browser: Browser, live_server, world: World
) -> None:
    context = context_for(
        browser, live_server, world.users["operator"], viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    toggler = page.get_by_role("button", name="Mostra o nascondi la navigazione")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    menu = page.locator("#nav-items").get_by_role("link", name="Cruscotto")
    expect(menu).to_be_hidden()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('.custom-navbar-toggler')"):
            break
    else:
        raise AssertionError("Tab never reaches the menu button")
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    tab_to(page, "Cruscotto")
    page.keyboard.press("Enter")
    # The dashboard computes its figures on a first visit: slow on a busy machine.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cruscotto", timeout=20_000)
    context.close()
