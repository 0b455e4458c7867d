//! The optional template blocks, each one section appended after the base prompt.
//! Example sentences follow the company's formality, since the model copies them.

use askpro_core::Tenant;

use super::base::bullets;
use super::text::one_line;
use super::{Ctx, Section};

pub(super) fn dialect_robust(ctx: &Ctx) -> Section {
    let rules = [
        "Viele Anrufer sprechen Dialekt oder Umgangssprache, etwa aus Bayern, Schwaben, \
         Österreich oder der Schweiz. Das ist ganz normal: Hör geduldig zu und antworte \
         selbst in klarem Hochdeutsch."
            .to_owned(),
        "„Sonnabend“ ist Samstag. „Jänner“ ist Januar und „Feber“ Februar (Österreich). \
         „Heuer“ heißt dieses Jahr, „zwo“ heißt zwei."
            .to_owned(),
        "„Viertel drei“ heißt Viertel nach zwei, also 14:15 Uhr. „Dreiviertel vier“ heißt \
         Viertel vor vier, also 15:45 Uhr. Solche Zeitangaben übergibst du trotzdem \
         wörtlich an die Funktionen."
            .to_owned(),
        "„Grüß Gott“, „Servus“, „Grüezi“ und „Moin“ sind Begrüßungen, „Pfiat di“, „Ade“ \
         und „Uf Wiederluege“ Verabschiedungen. Erwidere sie freundlich. Ein „gell?“ oder \
         „oder?“ am Satzende bittet nur um Zustimmung."
            .to_owned(),
        format!(
            "Bist du unsicher, was gemeint ist, rate nicht, sondern frag höflich nach: {}",
            ctx.you(
                "„Entschuldigung, meinten Sie Dienstag oder Donnerstag?“ oder \
                 „Könnten Sie das bitte noch einmal sagen?“",
                "„Entschuldigung, meintest du Dienstag oder Donnerstag?“ oder \
                 „Kannst du das bitte noch einmal sagen?“",
            )
        ),
        "Wiederhole Tag und Uhrzeit so, wie du sie verstanden hast, in Hochdeutsch, bevor \
         du weitermachst: „Also am Samstag um 14:15 Uhr – richtig?“"
            .to_owned(),
    ];
    Section::new(DIALECT_ROBUST, bullets(&rules))
}

pub(super) fn slow_speech(_ctx: &Ctx) -> Section {
    let rules = [
        "Sprich langsam, ruhig und deutlich. Manche Anrufer hören schlecht oder brauchen \
         etwas mehr Zeit.",
        "Benutze kurze Sätze mit nur einer Information pro Satz.",
        "Mach nach jeder Frage eine Pause und lass dem Anrufer Zeit zu antworten. \
         Unterbrich ihn nicht.",
        "Nenne nie mehr als drei Möglichkeiten auf einmal.",
        "Sprich Zahlen deutlich aus: Uhrzeiten immer mit „Uhr“, und „zwo“ statt „zwei“, \
         damit es nicht nach „drei“ klingt. Telefonnummern sagst du in kleinen Gruppen, \
         E-Mail-Adressen buchstabierst du.",
        "Wiederhole wichtige Angaben wie Tag und Uhrzeit, wenn der Anrufer unsicher wirkt.",
    ]
    .map(str::to_owned);
    Section::new(SLOW_SPEECH, bullets(&rules))
}

/// With cancellation switched off this block still helps: it makes the refusal
/// polite and useful, and it names neither cancel nor move function.
pub(super) fn cancellation(ctx: &Ctx) -> Section {
    let rules = if ctx.cancellation_enabled {
        cancellation_steps(ctx)
    } else {
        cancellation_refusal(ctx)
    };
    Section::new(CANCELLATION, bullets(&rules))
}

fn cancellation_steps(ctx: &Ctx) -> Vec<String> {
    vec![
        "Geh hier besonders sorgfältig vor: Ein versehentlich abgesagter Termin ärgert \
         den Anrufer und kostet den Betrieb Geld."
            .to_owned(),
        format!(
            "Ist unklar, was der Anrufer möchte, frag: {}",
            ctx.you(
                "„Möchten Sie den Termin absagen oder verschieben?“",
                "„Möchtest du den Termin absagen oder verschieben?“",
            )
        ),
        "Such die Termine des Anrufers mit `find_appointments`. Findest du keinen, frag \
         nach der Telefonnummer, mit der gebucht wurde, und such noch einmal."
            .to_owned(),
        "Nenne den gefundenen Termin mit Wochentag, Datum, Uhrzeit und Leistung und frag, \
         ob dieser gemeint ist. Bei mehreren Terminen frag, welcher gemeint ist."
            .to_owned(),
        format!(
            "Nach dem Grund darfst du fragen, aber dräng nicht: {} Einen genannten Grund \
             übergibst du als `reason`.",
            ctx.you(
                "„Darf ich fragen, warum Sie absagen?“",
                "„Darf ich fragen, warum du absagst?“",
            )
        ),
        "Ruf `cancel_appointment` erst auf, wenn der Anrufer ausdrücklich bestätigt hat, \
         welcher Termin abgesagt werden soll."
            .to_owned(),
        "Zum Verschieben prüf die neue Zeit zuerst mit `check_availability`, dann ruf nach \
         Bestätigung `reschedule_appointment` auf. Ist die neue Zeit doch belegt, bleibt \
         der alte Termin bestehen – sag das dem Anrufer."
            .to_owned(),
    ]
}

fn cancellation_refusal(ctx: &Ctx) -> Vec<String> {
    vec![
        format!(
            "Absagen und Verschieben ist bei {} telefonisch leider nicht möglich. Sag das \
             freundlich und ohne Umschweife, wenn der Anrufer danach fragt.",
            ctx.company()
        ),
        "Biete an, dass sich das Team zurückmeldet, und lass dir dafür Namen und den \
         betroffenen Termin nennen. Oder weise auf den Link in der Bestätigungs-E-Mail hin."
            .to_owned(),
        "Mit `find_appointments` darfst du nachsehen, welche Termine der Anrufer hat, etwa \
         wenn er die Uhrzeit vergessen hat."
            .to_owned(),
        "Sag nie, ein Termin sei abgesagt oder verschoben.".to_owned(),
    ]
}

pub(super) fn clear_confirmation(ctx: &Ctx) -> Section {
    let moves = if ctx.cancellation_enabled {
        " Das gilt genauso beim Verschieben."
    } else {
        ""
    };
    let rules = [
        format!(
            "Bevor du buchst, fasse alles in einem klaren Satz zusammen: Leistung, \
             Wochentag, Datum, Uhrzeit, wer den Termin übernimmt und an welchem Standort. \
             Dann frag, ob alles stimmt. Zum Beispiel: „{} Ist das so richtig?“{moves}",
            example_summary(ctx.tenant)
        ),
        "Buche erst, wenn der Anrufer mit Ja bestätigt hat. Korrigiert er etwas, fasse \
         danach noch einmal zusammen."
            .to_owned(),
        format!(
            "Sag nach der Buchung, dass eine Bestätigung kommt: {}",
            ctx.you(
                "„Sie bekommen gleich eine Bestätigung per E-Mail oder SMS.“",
                "„Du bekommst gleich eine Bestätigung per E-Mail oder SMS.“",
            )
        ),
    ];
    Section::new(CLEAR_CONFIRMATION, bullets(&rules))
}

/// The DSGVO's duty to inform, said once at the start, and what to do when a caller
/// asks what is stored about them or wants it erased (the team answers those).
pub(super) fn privacy_notice(ctx: &Ctx) -> Section {
    let rules = [
        format!(
            "Sag gleich nach der Begrüßung in einem kurzen Satz: {}",
            ctx.you(
                "„Zur Terminvereinbarung verarbeiten wir Ihre Angaben, das Gespräch wird dafür aufgezeichnet. Mehr dazu steht in unserer Datenschutzerklärung.“",
                "„Zur Terminvereinbarung verarbeiten wir deine Angaben, das Gespräch wird dafür aufgezeichnet. Mehr dazu steht in unserer Datenschutzerklärung.“",
            )
        ),
        "Fragt jemand, was über ihn gespeichert ist, oder möchte er seine Daten gelöscht \
         haben, nimm das mit `take_message` für das Team auf (Anliegen: Auskunft oder Löschung \
         nach der DSGVO) und sag, dass sich das Team darum kümmert. Versprich keine Löschung \
         selbst."
            .to_owned(),
        "Nenne nie Daten anderer Personen, auch nicht, ob jemand Kunde ist.".to_owned(),
    ];
    Section::new(PRIVACY_NOTICE, bullets(&rules))
}

/// "Also: Damenhaarschnitt am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller
/// am Standort Salon Sonnenschein Mitte." — built from the tenant's own first service,
/// a person offering it and their branch, because a familiar example is imitated more
/// faithfully. Placeholders stand in where the tenant has no such data.
fn example_summary(t: &Tenant) -> String {
    let service = t.services.first();
    let staff = service.and_then(|s| t.staff.iter().find(|p| p.services.contains(&s.slug)));
    let branch = staff
        .and_then(|p| p.branches.first())
        .and_then(|slug| t.branch(slug.as_str()))
        .or_else(|| t.branches.first());
    let name = |text: Option<&String>, placeholder: &str| {
        text.map(|x| one_line(x))
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| placeholder.to_owned())
    };
    format!(
        "Also: {} am Dienstag, den 1. Dezember, um 14:15 Uhr bei {} am Standort {}.",
        name(service.map(|s| &s.name), "[Leistung]"),
        name(staff.map(|p| &p.name), "[Name]"),
        name(branch.map(|b| &b.name), "[Standort]"),
    )
}

/// The heading of the block (also how a live prompt is recognised to contain it).
pub const DIALECT_ROBUST: &str = "Dialekt und Umgangssprache";

/// The heading of the block (also how a live prompt is recognised to contain it).
pub const SLOW_SPEECH: &str = "Langsam und deutlich sprechen";

/// The heading of the block (also how a live prompt is recognised to contain it).
pub const CANCELLATION: &str = "Absagen und Verschieben";

/// The heading of the block (also how a live prompt is recognised to contain it).
pub const CLEAR_CONFIRMATION: &str = "Klare Bestätigung";

/// The heading of the block (also how a live prompt is recognised to contain it).
pub const PRIVACY_NOTICE: &str = "Datenschutz";
