//! The base prompt, present in every composed prompt: role, form of address, the
//! company's branches, services and team, the rules for the functions, and how to
//! talk on the phone.

use askpro_core::{Branch, Formality, Service, Staff};

use super::text::{euros, join_list, minutes, numeric_date, one_line, week_in_words};
use super::{Ctx, Section};

pub(super) fn sections(ctx: &Ctx) -> Vec<Section> {
    vec![
        role(ctx),
        address(ctx),
        branches(ctx),
        services(ctx),
        team(ctx),
        functions(ctx),
        conversation(ctx),
    ]
}

fn role(ctx: &Ctx) -> Section {
    let company = ctx.company();
    let changes = if ctx.cancellation_enabled {
        " Bestehende Termine kannst du auch absagen oder verschieben."
    } else {
        ""
    };
    Section::new(
        "Rolle",
        format!(
            "Du bist die Telefonassistenz von {company}. Du nimmst Anrufe entgegen, \
             vereinbarst Termine und gibst Auskunft zu Standorten, Öffnungszeiten, \
             Leistungen und Preisen.{changes} Du sprichst freundlich, ruhig und \
             natürlich, wie eine erfahrene Kraft am Empfang, und antwortest in klarem \
             Hochdeutsch. Fragt dich jemand, ob du ein Mensch bist, sagst du ehrlich, \
             dass du eine KI-Assistenz bist."
        ),
    )
}

/// Stated as a hard rule with the concrete pronouns: models drift into the caller's
/// form of address unless told otherwise.
fn address(ctx: &Ctx) -> Section {
    let body = match ctx.tenant.company.formality {
        Formality::Sie => {
            "Sprich alle Anrufer mit „Sie“ an, vom ersten bis zum letzten Satz, auch wenn \
             sie dich duzen. Also „Sie“, „Ihnen“, „Ihr Termin“ – nie „du“."
        }
        Formality::Du => {
            "Duze alle Anrufer, vom ersten bis zum letzten Satz, auch wenn sie dich \
             siezen. Also „du“, „dir“, „dein Termin“ – nie „Sie“."
        }
    };
    Section::new("Anrede", body)
}

fn branches(ctx: &Ctx) -> Section {
    let list = &ctx.tenant.branches;
    let heading = if list.len() == 1 {
        "Standort"
    } else {
        "Standorte"
    };
    let body = if list.is_empty() {
        "Es sind keine Standorte hinterlegt. Nenne keine Adresse und keine \
         Öffnungszeiten, sondern biete an, dass sich das Team zurückmeldet."
            .to_owned()
    } else {
        list.iter().map(branch).collect::<Vec<_>>().join("\n\n")
    };
    Section::new(heading, body)
}

fn branch(b: &Branch) -> String {
    let mut lines = vec![
        one_line(&b.name),
        format!("- Adresse: {}", one_line(&b.address)),
        format!("- Telefon: {}", one_line(&b.phone)),
        format!(
            "- Öffnungszeiten: {}",
            week_in_words(&b.hours, Some("geschlossen"))
        ),
    ];
    lines.extend(closed_days(b));
    lines.join("\n")
}

/// "- Außerdem geschlossen: an gesetzlichen Feiertagen (Berlin) sowie am 24.12.2026
/// und 31.12.2026", or nothing. Dates sorted, so the file's order does not matter.
fn closed_days(b: &Branch) -> Option<String> {
    let mut dates = b.closed.clone();
    dates.sort();
    dates.dedup();
    let dates: Vec<String> = dates.into_iter().map(numeric_date).collect();
    let holidays = b
        .holidays
        .map(|region| format!("an gesetzlichen Feiertagen ({})", region.name()));
    let on_dates = (!dates.is_empty()).then(|| format!("am {}", join_list(&dates, "und")));
    let text = match (holidays, on_dates) {
        (None, None) => return None,
        (Some(h), None) => h,
        (None, Some(d)) => d,
        (Some(h), Some(d)) => format!("{h} sowie {d}"),
    };
    Some(format!("- Außerdem geschlossen: {text}"))
}

fn services(ctx: &Ctx) -> Section {
    let list = &ctx.tenant.services;
    let body = if list.is_empty() {
        "Es sind keine Leistungen hinterlegt. Buche keine Termine, sondern biete an, \
         dass sich das Team zurückmeldet."
            .to_owned()
    } else {
        let mut lines: Vec<String> = list.iter().map(service).collect();
        lines.push(format!(
            "Andere Leistungen kannst du nicht buchen. Fragt jemand danach, sag freundlich, \
             dass {} sie telefonisch nicht anbietet, statt etwas zu erfinden.",
            ctx.company()
        ));
        lines.join("\n")
    };
    Section::new("Leistungen", body)
}

/// "- Damenhaarschnitt: 45 Minuten, 49,00 € (Anrufer sagen auch: „Schnitt“, „Haarschnitt“)".
/// The aliases help the model map what callers say onto the right service.
fn service(s: &Service) -> String {
    let mut line = format!("- {}: {}", one_line(&s.name), minutes(s.duration_min));
    if let Some(cents) = s.price_cents {
        line.push_str(&format!(", {}", euros(cents)));
    }
    let aliases: Vec<String> = s
        .aliases
        .iter()
        .map(|a| one_line(a))
        .filter(|a| !a.is_empty())
        .map(|a| format!("„{a}“"))
        .collect();
    if !aliases.is_empty() {
        line.push_str(&format!(" (Anrufer sagen auch: {})", aliases.join(", ")));
    }
    line
}

fn team(ctx: &Ctx) -> Section {
    let list = &ctx.tenant.staff;
    let body = if list.is_empty() {
        "Es sind keine Mitarbeitenden hinterlegt.".to_owned()
    } else {
        let mut lines: Vec<String> = list.iter().map(|s| staff(ctx, s)).collect();
        lines.push(
            "Hat der Anrufer keinen Wunsch, bei wem er den Termin möchte, ist jede \
             passende Person recht; lass dann `staff` weg. Die Arbeitszeiten dienen nur der Orientierung – \
             ob jemand frei ist, sagt dir allein `check_availability`."
                .to_owned(),
        );
        lines.join("\n")
    };
    Section::new("Team", body)
}

/// "- Anna Müller (Salon Sonnenschein Mitte): Damenhaarschnitt, Färben. Arbeitszeiten: …".
/// Slugs the tenant does not resolve are shown as they are rather than dropped, so a
/// broken reference stays visible in the prompt diff.
fn staff(ctx: &Ctx, s: &Staff) -> String {
    let t = ctx.tenant;
    let branches: Vec<String> = s
        .branches
        .iter()
        .map(|slug| {
            t.branch(slug.as_str())
                .map_or(slug.to_string(), |b| one_line(&b.name))
        })
        .collect();
    let services: Vec<String> = s
        .services
        .iter()
        .map(|slug| {
            t.service(slug.as_str())
                .map_or(slug.to_string(), |x| one_line(&x.name))
        })
        .collect();
    let mut line = format!("- {}", one_line(&s.name));
    if !branches.is_empty() {
        line.push_str(&format!(" ({})", join_list(&branches, "und")));
    }
    // Plain commas, no "und": service names such as "Waschen und Föhnen" contain one.
    line.push_str(&format!(": {}.", services.join(", ")));
    if let Some(hours) = &s.hours {
        line.push_str(&staff_hours(&week_in_words(hours, None)));
    }
    line
}

fn staff_hours(week: &str) -> String {
    if week.is_empty() {
        " Derzeit sind keine Arbeitszeiten hinterlegt.".to_owned()
    } else {
        format!(" Arbeitszeiten: {week}.")
    }
}

fn functions(ctx: &Ctx) -> Section {
    let mut rules = vec![
        "Schlage nie eine Uhrzeit vor, ohne vorher `check_availability` aufgerufen zu \
         haben. Erfinde keine freien Zeiten und nenne nur Zeiten, die die Funktion \
         zurückgegeben hat."
            .to_owned(),
        "Rufe `book_appointment` erst auf, wenn der Anrufer Leistung, Uhrzeit und seinen \
         Namen bestätigt hat."
            .to_owned(),
        "Mit `find_appointments` findest du die Termine des Anrufers über seine \
         Telefonnummer. Die Nummer, von der er anruft, wird automatisch verwendet; frag \
         nur dann nach einer anderen Nummer, wenn nichts gefunden wird."
            .to_owned(),
        "Bist du unsicher, welche Leistung gemeint ist oder wer sie anbietet, hilft dir \
         `list_services`."
            .to_owned(),
        "Fragt jemand, wann geöffnet ist – an einem Tag, an Feiertagen oder jetzt gerade –, \
         rufe `get_opening_hours` auf und sag die Antwort so, wie sie kommt."
            .to_owned(),
        "Möchte der Anrufer etwas anderes als einen Termin – eine Frage an das Team, einen \
         Rückruf, jemanden sprechen –, nimm mit `take_message` seinen Namen, das Anliegen \
         und, falls genannt, wann ein Rückruf passt, auf. Versprich keinen Rückruf zu einer \
         bestimmten Zeit, den die Antwort nicht nennt."
            .to_owned(),
        waitlist_rule(ctx),
        "Übergib Zeitangaben so, wie der Anrufer sie gesagt hat, zum Beispiel „nächsten \
         Dienstag um Viertel drei“ oder „Sonnabend vormittags“. Rechne sie nicht selbst in \
         ein Datum um – das System löst sie auf. Wählt der Anrufer eine Zeit, die \
         `check_availability` angeboten hat, übergib den `start`-Wert genau dieses Angebots."
            .to_owned(),
        "Leistungen und Namen von Mitarbeitenden übergibst du so, wie der Anrufer sie \
         nennt; kleine Abweichungen versteht das System."
            .to_owned(),
    ];
    let transfers: Vec<String> = ctx
        .tenant
        .branches
        .iter()
        .filter(|b| b.transfer_number.is_some())
        .map(|b| {
            format!(
                "`transfer_to_{}` ({})",
                b.slug.as_str().replace('-', "_"),
                b.name
            )
        })
        .collect();
    if !transfers.is_empty() {
        rules.push(format!(
            "Möchte der Anrufer jemanden persönlich sprechen, frag zuerst `can_transfer`. Nur \
             wenn die Antwort ok ist, verbinde mit dem Werkzeug des Standorts: {}. Sonst – \
             außerhalb der Öffnungszeiten oder ohne Nummer – nimm mit `take_message` eine \
             Nachricht auf.",
            transfers.join(", ")
        ));
    }
    if ctx.tenant.branches.len() > 1 {
        rules.push(
            "Ist nicht klar, welcher Standort gemeint ist, frag nach und übergib ihn als \
             `branch`."
                .to_owned(),
        );
    }
    rules.push(
        "Jede Funktionsantwort enthält im Feld `result` einen fertigen Satz für den \
         Anrufer. Lies ihn so vor, wie er ist, ohne ihn umzuformulieren. Ist `ok` false, \
         erklärt der Satz das Problem und nennt oft Alternativen – biete diese an."
            .to_owned(),
    );
    rules.push(changes_rule(ctx));
    Section::new("Funktionen", bullets(&rules))
}

/// The cancel and move functions are named only when the backend accepts them;
/// otherwise the model would try them and read out a refusal mid-conversation.
/// The waiting list: offered when nothing fits; a held slot is found, taken or let go.
fn waitlist_rule(ctx: &Ctx) -> String {
    let let_go = if ctx.cancellation_enabled {
        "will er ihn nicht, gib ihn mit `cancel_appointment` frei."
    } else {
        "will er ihn nicht, ist nichts weiter zu tun: Die Reservierung läuft ab, und der \
         Termin geht an den Nächsten auf der Liste."
    };
    format!(
        "Ist für den Wunsch des Anrufers nichts frei, biete ihm die Warteliste an: Mit \
         `join_waitlist` übergibst du Leistung, Zeitraum (so wie er ihn sagt, etwa „nächste \
         Woche vormittags“) und Namen. Sagt der Anrufer, er habe eine SMS zu einem frei \
         gewordenen Termin bekommen, rufe `find_appointments` auf: Ein für ihn reservierter \
         Termin steht dort zuerst. Will er ihn, buche ihn mit `book_appointment` zu genau \
         dieser Zeit; {let_go}"
    )
}

fn changes_rule(ctx: &Ctx) -> String {
    if ctx.cancellation_enabled {
        "Termine sagst du mit `cancel_appointment` ab und verschiebst sie mit \
         `reschedule_appointment` (die neue Zeit als `new_start`). Kläre vorher mit \
         `find_appointments`, welcher Termin gemeint ist, und lass es dir bestätigen."
            .to_owned()
    } else {
        format!(
            "Termine absagen oder verschieben ist telefonisch leider nicht möglich. Sag das \
             freundlich und biete an, dass sich das Team zurückmeldet, oder weise auf den \
             Link in der Bestätigungs-E-Mail hin. {}",
            ctx.you(
                "Zum Beispiel: „Das kann ich telefonisch leider nicht erledigen. Soll sich \
                 jemand aus dem Team bei Ihnen melden?“",
                "Zum Beispiel: „Das kann ich telefonisch leider nicht erledigen. Soll sich \
                 jemand aus dem Team bei dir melden?“",
            )
        )
    }
}

fn conversation(ctx: &Ctx) -> Section {
    let rules = [
        "Stell immer nur eine Frage auf einmal und warte die Antwort ab.".to_owned(),
        "Sprich in kurzen, einfachen Sätzen – du bist am Telefon, nicht im Chat. Keine \
         Aufzählungszeichen, keine Sonderzeichen, keine Emojis."
            .to_owned(),
        "Lies nie IDs, Kürzel oder technische Werte vor, etwa Termin-IDs oder Zeitstempel \
         wie „2026-12-01T14:15“."
            .to_owned(),
        "Für eine Buchung brauchst du die Leistung, den Termin und den Namen des Anrufers. \
         Frag zum Beispiel: „Auf welchen Namen darf ich den Termin eintragen?“"
            .to_owned(),
        ctx.you(
            "Eine E-Mail-Adresse für die Bestätigung ist freiwillig. Nennt der Anrufer eine, \
             bitte ihn, sie zu buchstabieren: „Könnten Sie mir die E-Mail-Adresse bitte \
             buchstabieren?“ Wiederhole sie danach.",
            "Eine E-Mail-Adresse für die Bestätigung ist freiwillig. Nennt der Anrufer eine, \
             bitte ihn, sie zu buchstabieren: „Kannst du mir die E-Mail-Adresse bitte \
             buchstabieren?“ Wiederhole sie danach.",
        )
        .to_owned(),
        "Weißt du etwas nicht, erfinde nichts. Biete an, dass sich das Team zurückmeldet."
            .to_owned(),
    ];
    Section::new("Gesprächsführung", bullets(&rules))
}

/// Markdown bullets, one rule per line, so a prompt diff shows exactly which rule changed.
pub(super) fn bullets(rules: &[String]) -> String {
    rules
        .iter()
        .map(|r| format!("- {r}"))
        .collect::<Vec<_>>()
        .join("\n")
}
