//! The command line: global options, the command tree, and the rewriting of the
//! runbook's colon form into it.

use crate::now::ClockStart;
use askpro_core::Clock;
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "askpro",
    version,
    about = "AskPro: the backend behind AI phone receptionists, and its operations toolkit."
)]
#[command(
    after_help = "Runbook spellings such as `askpro tenant:apply FILE` or `askpro config:set KEY=VALUE` work too."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Database URL: sqlite://PATH (default sqlite://askpro.db) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "ASKPRO_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Configuration file (default: ./askpro.toml when it exists).
    #[arg(long, global = true, env = "ASKPRO_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Where the clock stands: `--now` of the command, else `ASKPRO_NOW`, else the
    /// system clock (filled in after parsing, see [`NowArg`]).
    #[arg(skip)]
    pub now: Option<ClockStart>,
}

impl Global {
    /// The one clock of this process.
    pub fn clock(&self) -> Clock {
        self.now.map_or_else(Clock::system, ClockStart::clock)
    }
}

/// `--now` of the long-running commands and `simulate call`.
#[derive(Args, Debug, Clone, Default)]
pub struct NowArg {
    /// Run as if it were another moment: a time to start from, in RFC 3339
    /// (2026-12-07T08:30:00+01:00) or local to Germany (2026-12-07T08:30), or a shift of
    /// the system clock (+3d, -1d, +90m, +5000ms), which several processes share exactly.
    /// For demos and tests: every booking rule, reminder, job and signature follows it.
    /// ASKPRO_NOW does the same for every command.
    #[arg(long, value_name = "TIME|SHIFT", value_parser = ClockStart::parse)]
    pub now: Option<ClockStart>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve(ServeArgs),
    /// Start AskPro on a fresh SQLite file with the example company, and print ready-to-paste requests.
    Demo(DemoArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Companies and their tenant files.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Branches: opening hours, closed days and holidays.
    #[command(subcommand)]
    Branch(BranchCommand),
    /// Runtime settings: typed, validated, effective in a running server within seconds.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// API tokens for companies.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Run a job worker alone (`askpro worker`), or see which workers are alive (`askpro worker status`).
    Worker(WorkerArgs),
    /// Job queues.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// E-mails AskPro produced.
    #[command(subcommand)]
    Email(EmailCommand),
    /// Spoken German: resolve dates and times as callers say them.
    #[command(subcommand)]
    German(GermanCommand),
    /// Play scripted phone calls against a running server, exactly as Retell would.
    #[command(subcommand)]
    Simulate(SimulateCommand),
    /// Phone calls as Retell reported them.
    #[command(subcommand)]
    Calls(CallsCommand),
    /// Retell webhook deliveries: duplicates, pausing, timings.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// The company's Retell voice agent: import calls, check the webhook, push prompt and voice.
    #[command(subcommand)]
    Retell(RetellCommand),
    /// Scheduled tasks (the server runs them on its own; this runs one now).
    #[command(subcommand)]
    Schedule(ScheduleCommand),
    /// Cal.com, the calendar of record: reconcile, compare availability, check the setup.
    #[command(subcommand)]
    Calcom(CalcomCommand),
    /// Cached data in every running server (availability from Cal.com, companies, settings).
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Time zones of branches, Cal.com hosts, server and database.
    #[command(subcommand)]
    Timezone(TimezoneCommand),
    /// Appointments across calendars: find and remove double bookings, mark no-shows.
    #[command(subcommand)]
    Appointments(AppointmentsCommand),
    /// One company's overall diagnosis: every runbook check, green/yellow/red, each with
    /// the evidence and the exact commands that fix it. Exit 1 when a check fails.
    Diagnose {
        #[arg(long)]
        company_id: String,
    },
    /// The diagnosis of every company; with --notify-slack one Slack message listing
    /// what fails or warns, with the fixes. Exit 1 when anything fails (cron: daily 9:00).
    DailyHealthCheck {
        #[arg(long)]
        notify_slack: bool,
    },
    /// The runbook's customer-success numbers.
    #[command(subcommand)]
    Metrics(MetricsCommand),
    /// Reports by e-mail.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Analyses of the agent's calls.
    #[command(subcommand)]
    Ai(AiCommand),
    /// Staff: who works where and does what; move appointments from one person to another.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Services and the staff who perform them.
    #[command(subcommand)]
    Services(ServicesCommand),
    /// The machine AskPro runs on.
    #[command(subcommand)]
    System(SystemCommand),
    /// The runbook's name for the workers: `horizon status` is `worker status`.
    #[command(subcommand)]
    Horizon(HorizonCommand),
    /// Messages and callback requests the voice agent took for the team.
    #[command(subcommand)]
    Messages(MessagesCommand),
    /// The waiting list: callers waiting for a slot, and slots held for them.
    #[command(subcommand)]
    Waitlist(WaitlistCommand),
    /// Accounts of the web dashboard: a company's owners and staff, and operators.
    #[command(subcommand)]
    User(UserCommand),
    /// Callers' data (DSGVO): export or erase what is stored about a phone number, and
    /// the retention purge.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
    /// A consistent copy of the SQLite database while AskPro runs (PostgreSQL: pg_dump).
    Backup(BackupArgs),
    /// Replace the SQLite database with a backup, after checking the backup is whole.
    Restore(RestoreArgs),
}

#[derive(Subcommand, Debug)]
pub enum PrivacyCommand {
    /// Everything stored about a phone number, as JSON: appointments, calls with
    /// transcripts and function calls, messages, texts, the waiting list, e-mails.
    Export {
        #[arg(long)]
        phone: String,
        /// Only this company (default: every company).
        #[arg(long)]
        company_id: Option<String>,
    },
    /// Anonymise everything stored about a phone number; appointment slots, counts and
    /// the audit trail's shape stay. Cannot be undone.
    Erase {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        company_id: Option<String>,
        /// Required: the erasure cannot be undone.
        #[arg(long)]
        confirm: bool,
    },
    /// Remove transcripts and calls past their retention now (a server does this hourly).
    Purge,
}

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// The backup file (from `askpro backup`).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Restore even though a worker or server used the database in the last minute
    /// (stop them first: they would keep writing to the replaced file).
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a dashboard user: an owner or staff member of a company, or an operator
    /// (no --company-id). Without a password they sign in by mailed link only.
    Add {
        #[arg(long)]
        company_id: Option<String>,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["owner", "staff", "operator"])]
        role: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// A company's users, or with --operators the operators.
    List {
        #[arg(long, required_unless_present = "operators")]
        company_id: Option<String>,
        #[arg(long, conflicts_with = "company_id")]
        operators: bool,
    },
    /// Set a new password; the user is signed out everywhere.
    Password {
        #[arg(value_name = "EMAIL")]
        email: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// The user can no longer sign in; their sessions end.
    Remove {
        #[arg(value_name = "EMAIL")]
        email: String,
    },
}

/// Where a password comes from: never an argument (it would stay in the shell history).
#[derive(clap::Args, Debug)]
#[group(multiple = false)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Make up a password and print it once.
    #[arg(long)]
    pub generate_password: bool,
}

#[derive(Subcommand, Debug)]
pub enum WaitlistCommand {
    /// Entries in the order they joined: waiting and held ones (or --status STATUS|all).
    List {
        #[arg(long)]
        company_id: String,
        /// active (waiting or held), all, waiting, held, booked, expired, declined, removed, lapsed.
        #[arg(long, default_value = "active")]
        status: String,
    },
    /// Put a customer on the waiting list.
    Add {
        #[arg(long)]
        company_id: String,
        #[arg(long)]
        service: String,
        /// The range as a caller says it, e.g. "nächste Woche vormittags".
        #[arg(long)]
        when: String,
        #[arg(long)]
        name: String,
        /// E.164; the SMS about a held slot goes here.
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        branch: Option<String>,
        #[arg(long)]
        staff: Option<String>,
    },
    /// Take an entry off the list; a slot held for it passes to the next customer.
    Remove {
        #[arg(value_name = "ENTRY_ID")]
        id: String,
        #[arg(long)]
        company_id: String,
    },
    /// Book the slot held for an entry (the customer said yes on the phone, say).
    Take {
        #[arg(value_name = "ENTRY_ID")]
        id: String,
        #[arg(long)]
        company_id: String,
    },
    /// Pass on held slots that ran out and offer free slots now (`serve` does this every
    /// 15 seconds and after each cancellation).
    Sweep,
}

#[derive(Subcommand, Debug)]
pub enum MessagesCommand {
    /// Open messages, urgent first then newest (with --all the done ones too).
    List {
        #[arg(long)]
        company_id: String,
        #[arg(long)]
        all: bool,
    },
    /// Mark a message done (someone called back or took care of it).
    Done {
        #[arg(value_name = "MESSAGE_ID")]
        id: String,
        #[arg(long)]
        company_id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum MetricsCommand {
    /// Call completion, e-mail delivery, no-shows, satisfaction and resolution time over
    /// the last N days, each against the N days before.
    CustomerSuccess {
        #[arg(long)]
        company_id: String,
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        /// Language of the labels: de or en.
        #[arg(long, default_value = "de", value_parser = ["de", "en"])]
        lang: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The last week against the week before, the diagnosis and calls worth a listen,
    /// as an HTML mail with charts and a plain-text part, through the mail queue.
    CustomerSuccess {
        /// The last 7 days (the only period so far; kept for the runbook's spelling).
        #[arg(long)]
        week: bool,
        /// One company (default: one report per company).
        #[arg(long)]
        company_id: Option<String>,
        /// Where to send it.
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AiCommand {
    /// Read the last month's calls (refused time phrases, repeated questions, hang-ups
    /// mid-booking, unmet cancellation wishes, speed complaints) and propose prompt
    /// blocks with the evidence; --apply pushes them with `retell update-prompt`.
    OptimizePrompts {
        /// The last 30 days (the only period so far; kept for the runbook's spelling).
        #[arg(long)]
        based_on_last_month: bool,
        /// One company (default: every company).
        #[arg(long)]
        company_id: Option<String>,
        /// Push the proposed blocks (and switch cancelling by phone on when proposed).
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Staff at the branch: their services, hours, upcoming appointments and Cal.com user.
    ShowAssignments {
        #[arg(long)]
        branch_id: String,
        /// Needed when several companies have a branch of that slug.
        #[arg(long)]
        company_id: Option<String>,
    },
    /// Move A's appointments to B where B performs the service at that branch and is
    /// free; the customers get a German notice. Prints what moved and what could not.
    Reassign {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Only appointments from now on (past ones never move anyway).
        #[arg(long)]
        future_only: bool,
        /// Show what would move; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        company_id: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ServicesCommand {
    /// Bring the branch's service–staff links in line with the source of truth: Cal.com's
    /// event type hosts when the company keeps its calendar there, else the tenant file.
    SyncStaff {
        #[arg(long)]
        branch_id: String,
        #[arg(long)]
        company_id: Option<String>,
        /// Show each change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum SystemCommand {
    /// Memory, disk where the database and logs live, database size and connections,
    /// queue lag, worker heartbeats and webhook merge lag, against thresholds. Exit 1 on a failure.
    CheckResources,
}

#[derive(Subcommand, Debug)]
pub enum HorizonCommand {
    /// The same as `askpro worker status`.
    Status,
}

#[derive(Subcommand, Debug)]
pub enum CalcomCommand {
    /// Reconcile AskPro and Cal.com now: print every difference (missing here or there,
    /// time differs, cancelled on one side, duplicate, conflict) and what was done.
    /// Exit 0 when both agree afterwards.
    ForceSync {
        #[arg(long)]
        company_id: String,
        /// Days ahead to compare (default: the tenant's `sync_days`, 60).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=365))]
        days: Option<u32>,
        /// Only report; change nothing on either side.
        #[arg(long)]
        dry_run: bool,
    },
    /// Drop the cached Cal.com slots (here and in every server) and show per service,
    /// host and day where AskPro and Cal.com offer different times, and why.
    RefreshAvailability {
        /// One company (default: every company with a [calcom] section).
        #[arg(long)]
        company_id: Option<String>,
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=31))]
        next_days: u32,
    },
    /// Key reachable, event types and hosts found, webhook subscribed, last sync,
    /// pending and conflicting appointments. Exit 1 when something needs attention.
    Status {
        /// One company (default: every company with a [calcom] section).
        #[arg(long)]
        company_id: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum CacheCommand {
    /// Drop every cache in every running server (within 5 seconds).
    Clear,
    /// Drop what PATTERN names in every running server: `availability:*`,
    /// `availability:COMPANY`, `models`, `settings`.
    Forget {
        #[arg(value_name = "PATTERN")]
        pattern: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TimezoneCommand {
    /// Each branch's zone, the Cal.com hosts' schedule zones, the server's and the
    /// database's; the next DST changes and the bookings around them. Exit 1 on a mismatch.
    Verify {
        #[arg(long)]
        company_id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AppointmentsCommand {
    /// The same customer booked twice for one service and start, and one staff member
    /// booked twice at once (Cal.com conflicts). The earliest booking stays.
    #[command(group = clap::ArgGroup::new("mode").required(true).args(["dry_run", "confirm"]))]
    RemoveDuplicates {
        /// One company (default: every company).
        #[arg(long)]
        company_id: Option<String>,
        /// Show which booking stays and which go; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Cancel the others (in Cal.com too), mail their customers an apology with
        /// alternatives, and write audit entries.
        #[arg(long)]
        confirm: bool,
    },
    /// Mark a past appointment as a no-show (the customer did not come); --undo reverts it.
    NoShow {
        #[arg(value_name = "APPOINTMENT_ID")]
        id: String,
        #[arg(long)]
        company_id: String,
        #[arg(long)]
        undo: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RetellCommand {
    /// Import calls the webhooks missed from Retell's API (idempotent, with transcripts).
    ImportCalls {
        /// Calls of the last hour.
        #[arg(long)]
        last_hour: bool,
        /// Calls that started at or after this RFC 3339 time.
        #[arg(long, conflicts_with = "last_hour")]
        since: Option<String>,
        /// Only this company's agent (default: every company's).
        #[arg(long)]
        company_id: Option<String>,
    },
    /// Check that the agent's webhook URL points here and that a signed test delivery is accepted.
    VerifyWebhook {
        /// One company (default: every company with a Retell agent).
        #[arg(long)]
        company_id: Option<String>,
    },
    /// Compose the company's German agent prompt (base + template blocks) and its tools,
    /// show the difference to what is live, and push it to the Retell LLM.
    UpdatePrompt {
        #[arg(long)]
        company_id: String,
        /// Template blocks, comma-separated: dialect-robust, slow-speech, cancellation,
        /// clear-confirmation, privacy-notice. Blocks already in the live prompt stay.
        #[arg(long, value_delimiter = ',')]
        template: Vec<String>,
        /// Show the difference only.
        #[arg(long)]
        dry_run: bool,
    },
    /// Push voice settings and the call limits (`retell.call_timeout`, `retell.idle_timeout`) to the agent.
    UpdateVoice {
        #[arg(long)]
        company_id: String,
        /// Speaking speed, 0.5 to 2 (1 is normal; 0.9 is a little slower).
        #[arg(long)]
        speed: Option<f64>,
        /// How quickly the agent answers, 0 to 1.
        #[arg(long)]
        responsiveness: Option<f64>,
        /// How easily callers interrupt the agent, 0 to 1.
        #[arg(long)]
        interruption_sensitivity: Option<f64>,
        /// Voice stability: lower is steadier, 0 to 2.
        #[arg(long)]
        temperature: Option<f64>,
        /// Show the change only.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ScheduleCommand {
    /// Run a scheduled task now, e.g. `--command retell:import-calls`.
    RunNow {
        #[arg(long)]
        command: String,
    },
    /// The scheduled tasks and how often they run.
    List,
}

#[derive(Subcommand, Debug)]
pub enum SimulateCommand {
    /// Play a call script (caller turns and function calls; see examples/calls/) against
    /// a running `askpro serve`: signed function calls, then the call's webhooks.
    Call(crate::commands::simulate::SimulateCallArgs),
}

#[derive(Subcommand, Debug)]
pub enum CallsCommand {
    /// A company's calls, newest first.
    List {
        #[arg(long)]
        company_id: String,
        /// Only calls that started at or after this RFC 3339 time.
        #[arg(long)]
        since: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// One call with transcript, analysis and the functions the agent called.
    Show {
        call_id: String,
        #[arg(long)]
        company_id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum WebhookCommand {
    /// Deliveries Retell sent more than once, and bookings made twice in one call.
    CheckDuplicates {
        /// Look at the last hour (the default).
        #[arg(long)]
        last_hour: bool,
        /// Look at the last N hours instead.
        #[arg(long, conflicts_with = "last_hour")]
        hours: Option<i64>,
    },
    /// Hold webhook processing for N minutes: deliveries are still accepted and stored,
    /// then merged in order. `--duration 0` resumes at once.
    Pause {
        /// Minutes.
        #[arg(long)]
        duration: i64,
    },
    /// p50/p95/p99 of webhook handling (from arrival until merged into the call: the merge
    /// lag) and of each function, from recorded timings.
    MeasurePerformance {
        /// Hours to look back.
        #[arg(long, default_value_t = 24)]
        hours: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum GermanCommand {
    /// Resolve a spoken date/time ("Sonnabend um Viertel drei") against a reference time.
    When {
        /// The phrase; omit it with --jsonl.
        text: Option<String>,
        /// Reference local wall-clock time in --tz, e.g. 2026-11-26T10:00:00 (default: now).
        #[arg(long)]
        now: Option<String>,
        /// IANA time zone of the reference time and the answer.
        #[arg(long, default_value = "Europe/Berlin")]
        tz: String,
        /// Read JSON lines {"text","ref","tz"} from stdin and answer one line each.
        #[arg(long, conflicts_with = "text")]
        jsonl: bool,
        /// Also show which words made the time, which were set aside as other content
        /// (a name, a service, a reason, people) and which were filler; with a
        /// self-correction, each part said.
        #[arg(long, conflicts_with = "jsonl")]
        explain: bool,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ASKPRO_LISTEN")]
    pub listen: Option<String>,
    /// Do not run a job worker in this process (run `askpro worker` separately).
    #[arg(long)]
    pub no_worker: bool,
    /// Seconds from SIGTERM to exit at most: requests in flight and the job in hand get
    /// this long; what is still pending then was stored and is picked up later.
    #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub shutdown_timeout: u64,
    #[command(flatten)]
    pub now: NowArg,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WorkerArgs {
    #[command(subcommand)]
    pub action: Option<WorkerAction>,
    /// Queues to work on, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub queues: Vec<String>,
    /// Seconds from SIGTERM to exit at most: the job in hand gets this long to finish;
    /// if it does not, its claim returns to the queue when the lease ends.
    #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub shutdown_timeout: u64,
    #[command(flatten)]
    pub now: NowArg,
}

#[derive(Subcommand, Debug)]
pub enum WorkerAction {
    /// Live workers (heartbeat in the last 30 s), what each runs and any trouble; exit 1 when none is alive or one is in trouble.
    Status,
}

#[derive(Subcommand, Debug)]
pub enum QueueCommand {
    /// Depth, oldest waiting job, failures and throughput per queue, and the webhook merge
    /// (`retell-webhooks`: deliveries stored but not merged into their calls yet).
    Monitor {
        /// One queue (emails, sms, slack, sync, default, retell-webhooks); default: all.
        queue: Option<String>,
        /// Also post the summary, with each company's e-mail delivery rate, to Slack.
        #[arg(long)]
        notify_slack: bool,
    },
    /// Make every running worker reload settings and tenant data (after `config set
    /// mail.mailer=…`); waits until each live worker confirms.
    Restart {
        /// Seconds to wait for the confirmations.
        #[arg(long, default_value_t = 20)]
        timeout: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum EmailCommand {
    /// The newest e-mails AskPro produced (the local outbox while no SMTP is configured).
    Outbox {
        #[arg(long)]
        company_id: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Send a test e-mail through the configured mailer and report the SMTP outcome.
    Test {
        #[arg(long)]
        to: String,
    },
    /// Connect, TLS and log in to the primary and backup SMTP servers; report each.
    VerifySmtp,
    /// Put e-mails that failed for good back into the queue (after fixing the cause).
    RetryFailed {
        /// Those that failed in the last 24 hours.
        #[arg(long, default_value_t = true)]
        last_day: bool,
        /// Only count them.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The demo's SQLite file; it is recreated on every start.
    #[arg(long, default_value = "demo/askpro-demo.db")]
    pub db_file: PathBuf,
    /// Keep the salon's calendar in a local Cal.com stand-in (no account needed):
    /// Anna's and Jonas's Damenhaarschnitt live there, two customers booked on the web
    /// before the start, and web bookings made later arrive by signed webhook.
    #[arg(long)]
    pub calcom_fake: bool,
    /// Where the Cal.com stand-in listens.
    #[arg(long, default_value = "127.0.0.1:8091", requires = "calcom_fake")]
    pub calcom_fake_listen: String,
    #[command(flatten)]
    pub now: NowArg,
}

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Create or update a company from a tenant file (idempotent, all-or-nothing).
    Apply {
        file: PathBuf,
        /// Validate and show what would change, without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List companies.
    List,
    /// Show one company with branches, services and staff.
    Show {
        slug: String,
        /// Print it as a tenant file.
        #[arg(long)]
        toml: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum BranchCommand {
    /// Opening hours, closed days, holidays and clock changes of the coming weeks.
    ShowHours {
        /// The branch's slug.
        #[arg(long)]
        branch_id: String,
        /// The company's slug (needed when several companies have a branch of that slug).
        #[arg(long)]
        company_id: Option<String>,
        /// How many weeks ahead.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=52))]
        weeks: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Set KEY=VALUE, globally or for one company.
    Set {
        assignment: String,
        #[arg(long)]
        company_id: Option<String>,
    },
    /// Show the effective value of KEY.
    Get {
        key: String,
        #[arg(long)]
        company_id: Option<String>,
    },
    /// Every key with its effective value, source, allowed values and meaning.
    List {
        #[arg(long)]
        company_id: Option<String>,
    },
    /// Remove a stored value so the global value or the default applies again.
    Unset {
        key: String,
        #[arg(long)]
        company_id: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for one company; it is printed once, alone on the last line.
    Create {
        #[arg(long)]
        company_id: String,
        /// A label to recognise the token by in audit entries.
        #[arg(long, default_value = "api")]
        label: String,
    },
}

/// Global options that take a separate value, which is never a command word.
const VALUE_OPTIONS: [&str; 2] = ["--database-url", "--config"];

/// Rewrites `group:command` (and `askpro:command`) into `group command`. Only the
/// first command word is considered, and only when it looks like `word:word`.
pub fn canonical_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::new();
    let mut seen_command = false;
    for (index, arg) in args.into_iter().enumerate() {
        let text = arg.to_string_lossy().into_owned();
        let after_value_option = out
            .last()
            .is_some_and(|prev| VALUE_OPTIONS.iter().any(|o| prev == o));
        if index == 0 || seen_command || text.starts_with('-') || after_value_option {
            out.push(arg);
            continue;
        }
        seen_command = true;
        match text.split_once(':') {
            Some((group, command)) if is_word(group) && is_word(command) => {
                if group != "askpro" {
                    out.push(OsString::from(group));
                }
                out.push(OsString::from(command));
            }
            _ => out.push(arg),
        }
    }
    out
}

fn is_word(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(args: &[&str]) -> Vec<String> {
        canonical_args(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn colon_form_becomes_space_form() {
        assert_eq!(
            rewrite(&["askpro", "config:set", "a.b=1"]),
            ["askpro", "config", "set", "a.b=1"]
        );
        assert_eq!(
            rewrite(&["askpro", "askpro:diagnose", "--company-id=x"]),
            ["askpro", "diagnose", "--company-id=x"]
        );
        assert_eq!(
            rewrite(&["askpro", "--json", "tenant:list"]),
            ["askpro", "--json", "tenant", "list"]
        );
        assert_eq!(
            rewrite(&["askpro", "config", "set", "mail.mailer=smtp"]),
            ["askpro", "config", "set", "mail.mailer=smtp"]
        );
        assert_eq!(
            rewrite(&["askpro", "--database-url", "sqlite://x.db", "tenant:list"]),
            [
                "askpro",
                "--database-url",
                "sqlite://x.db",
                "tenant",
                "list"
            ]
        );
    }

    #[test]
    fn the_command_tree_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
