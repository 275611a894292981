### Strada: the English catalogue (complete: every key of it.ftl).
### Format: a subset of Fluent (https://projectfluent.org), see app/src/i18n/ftl.rs.

## The language itself
lang_name = English
language = Language

## sign-in
app_title = Strada
tagline = Street contacts, even without a network
sign_in_title = Sign in
username = Username
password = Password
sign_in = Sign in
signing_in = Signing in…
sign_in_needs_network = The first sign-in needs a network.
sign_out = Sign out
bad_credentials = Wrong username or password.

## device encryption, lock, revocation
unlock_title = Device locked
unlock_intro = The data on this device is encrypted. Enter the password of { $user }.
unlock = Unlock
unlocking = Unlocking…
wrong_password = Wrong password: try again.
unlock_broken = This device's encrypted data cannot be opened. Use another account to start over.
use_other_account = Use another account
wipe_confirm = All Strada data on this device will be deleted. Continue?
wipe_confirm_pending =
    { $n ->
        [one] There is { $n } change not yet synced: it will be lost. Delete all Strada data from this device?
       *[other] There are { $n } changes not yet synced: they will be lost. Delete all Strada data from this device?
    }
sign_out_confirm = Signing out deletes Strada's data from this device. Sign out?
sign_out_confirm_pending =
    { $n ->
        [one] There is { $n } change not yet synced: signing out loses it. Sign out and delete the data from this device?
       *[other] There are { $n } changes not yet synced: signing out loses them. Sign out and delete the data from this device?
    }
device_revoked = This device was revoked by the central office: Strada's data has been deleted.
reauth_hint = Session expired: sign in again to sync. The data stays on the device.
idle_lock = Auto-lock
minutes = { $n } min
devices = Devices
col_user = User
col_device = Device
col_signed_in = Signed in
col_last_seen = Last seen
col_state = State
device_active = Active
device_is_revoked = Revoked
revoke = Revoke
revoke_confirm = Revoke this device? At its next connection its Strada data will be deleted.
no_devices = No devices.
session_expired = Session expired: sign in again to sync. The data on this device stays.
signed_in_as = Signed in as { $user }
online = Online
offline = Offline
syncing = Syncing…
pending_changes = Changes waiting
last_sync = Last sync
never = never
sync_now = Sync now
waiting_short = waiting
refused_line =
    { $n ->
        [one] 1 change refused by the server: its row is marked in its list.
       *[other] { $n } changes refused by the server: their rows are marked in their lists.
    }
status_details = Details: sync, account, language, automatic lock
new_contact = New contact
when = When
place = Place
locating = Finding your position…
place_unavailable = Position unavailable: type it or skip it.
place_skipped = Place not recorded.
use_my_position = Use my position
skip_position = Do not record the place
latitude = Latitude
longitude = Longitude
accuracy = accuracy
person = Person
person_alias = With an alias
person_anonymous = Anonymous
alias_label = Alias or nickname
alias_hint = Never a full legal name
needs = First needs
note = Note
note_hint = Only what the work needs

## services directory
svc_nav = Services
svc_title = Services nearby
svc_need = What does the person need?
svc_all_needs = All
svc_language = The person's language
svc_any_language = Any
svc_documents = The person's documents
svc_doc-unknown = Not known / not said
svc_doc-none = No document
svc_doc-identity = Identity document only
svc_doc-permit = Valid residence permit
svc_doc-expired = Expired document
svc_doc-withheld = Withheld by the employer
svc_open_now_only = Open now
svc_near_me = Near me
svc_locating = Finding the position…
svc_no_position = Position unavailable: list without distances.
svc_position_ok = Distances from your position
svc_open = Open now
svc_closed = Closed now
svc_hours_unknown = Hours not known
svc_none = No service for this search.
svc_no_directory = The services directory is not on this phone yet: connect to the network once.
svc_updated = Directory updated on { $date }
svc_results =
    { $n ->
        [one] { $n } service found
       *[other] { $n } services found
    }
svc_to_check = to check
svc_not_met = not met
svc_language_match = Speaks the person's language
svc_back = Back to the list
svc_organization = Organisation
svc_address = Address
svc_hours = Opening hours
svc_closed_day = closed
svc_phone = Phone
svc_email = Email
svc_website = Website
svc_capacity = Capacity
svc_places =
    { $n ->
        [one] { $n } place
       *[other] { $n } places
    }
svc_languages_spoken = Languages spoken
svc_requirements = Access requirements
svc_no_requirements = No requirement
svc_free = Free of charge
svc_paid = Not free
svc_not_found = Service not found in the directory.
svc_picker_title = Suggested services
svc_pick = Choose
svc_picked = Chosen
requirement-identity_document = Needs an identity document
requirement-residence_permit = Needs a residence permit
requirement-health_card = Needs a health card or an STP/ENI code
requirement-municipal_residence = Needs residence in the municipality
requirement-referral = Needs a referral from a service
requirement-appointment = By appointment
requirement-adults_only = Adults only
requirement-women_only = Women only
requirement-men_only = Men only
day_1 = Monday
day_2 = Tuesday
day_3 = Wednesday
day_4 = Thursday
day_5 = Friday
day_6 = Saturday
day_7 = Sunday
save_contact = Save contact
saved = Contact saved on this device.
contacts = Logged contacts
no_contacts = No contacts logged on this device.
anonymous = Anonymous
status_pending = Waiting to sync
status_synced = Synced
status_refused = Refused by the server
discard_change = Discard the change
refusal-type_mismatch = the document type does not match
refusal-not_allowed = you may not change this document
refusal-foreign_actor = the change was made on another device or by another user
refusal-schema = the document is not valid
refusal-id_mismatch = the document id does not match
refusal-empty = the document is empty
refusal-other_team = you can only write documents of your own team
refusal-not_author = a document is written in the name of who signs in
refusal-need_required = a new contact needs at least one need
refusal-referral_start = a new referral starts as proposed or sent
refusal-referral_fixed = a referral keeps its contact and need
refusal-team_move = a document cannot move to another team
refusal-author_change = the author of a document cannot change
refusal-lifecycle = a referral's status can only move forward along its lifecycle
refusal-server_error = the server could not process it
discard_confirm = Discard the refused change? The phone goes back to the last version the server accepted.
central_records = Central records
central_not_for_role = The central records are the central office's: here are your team's pages.
field_app = Log contacts
central_needs_network = The central records need a network.
central_lists_need_network = The central records need a network. Without one, what this device keeps offline (teams, chosen persons) is read and edited in "Log contacts".
central_unavailable = The central records did not load: reload the page with the network on.
central_unavailable_field = Open «Log contacts»: what this device keeps offline is read and edited there.
central_index_building = The central records are being prepared after a server restart: try again in a minute.
central_session_over = Session expired: sign in again.
central_forbidden = Your role does not allow you to see or do this.
central_not_found = This is no longer on the server: refresh the page.
central_too_large = The file is too large to send at once: split it into parts.
central_invalid_period = The period is not valid: the start date is after the end date.
central_invalid_filter = The filters are not valid: check the dates and the team chosen.
central_server_failed = The server could not answer: try again shortly. If it happens again, tell the administrator.
col_when = When
col_person = Person
col_needs = Needs
col_team = Team
col_note = Note
refresh = Refresh
loading = Loading…
storage_unavailable = This browser does not allow storing data on the device (IndexedDB).
err_empty_alias = Write an alias or choose “Anonymous”.
err_alias_too_long = The alias is too long (80 characters at most).
err_no_needs = Choose at least one need.
err_duplicate_need = A need is listed twice.
err_note_too_long = The note is too long (4000 characters at most).
err_place = Invalid latitude or longitude.
err_time = Invalid date and time.
err_time_future = The date is in the future: a contact is logged after it happened. Correct «When».
contact_edit = Correct the contact
contact_edit_cancel = Cancel
err_save = Could not save on this device.
err_locked_save = The device locked itself: unlock it and save again.
err_storage_save = The browser's storage failed: the change is not saved. Try again; if it happens again, tell the coordinators.
err_crypto_save = The browser's encryption failed: the change is not saved. Try again; if it happens again, tell the coordinators.
err_not_on_device = This record is no longer on this device.
storage_corrupt = Some data on this device can no longer be read. Tell the coordinators; what was already sent is safe on the server.
err_partner = Name the service to refer to (120 characters at most).
update_available = A new version is available.
reload = Update the app
need-food = Food
need-shelter = Shelter
need-hygiene = Hygiene
need-health = Health
need-legal_aid = Legal aid
need-mediation = Linguistic-cultural mediation
need-housing = Housing
need-job_orientation = Job orientation
need-documents = Documents
need-mobility = Mobility
need-protection = Protection
need-training = Training

## contact form, persons, referrals
aliases = Aliases and nicknames
aliases_hint = One per line, in any script. Never the full legal name.
birth_year_or_age = Birth year or age
change = change
channel = Channel
consent = Consent
consent_given = Yes, consents
consent_question = Does the person consent to recording and sharing their data?
consent_refused = No
consent_refused_hint = The contact will be recorded anonymously: the alias is not saved.
contact_details = Details: channel, sector, language, materials
country = Country of origin
country_unknown = Not stated
documents = Documents
err_birth_year = Write a year (e.g. 1994) or an age (e.g. 30).
err_consent_missing = Ask for consent before saving a new person.
err_who = Write an alias or pick a person, or choose “Anonymous”.
follow_up_needed = A follow-up is needed
gender = Gender
group = Group
group_men = Men
group_minors = Minors
group_people = People
group_women = Women
indicator_note = Note (optional)
indicators = Indicators of exploitation (ILO)
indicators_hint = Tick only what you observed or the person told you.
language_used = Language used
languages_spoken = Languages spoken
last_contacts = Last contacts
last_met = last met { $date }
materials = Materials given
mediator_present = A cultural mediator was present
no_persons = No person found.
persons_only_kept = This device holds only the persons of the teams and the persons it keeps offline; the others are in the central records (with the network).
no_referrals = No referral on this device.
not_said = Not said
nothing_waiting = No referral waiting for feedback.
ok = OK
outcome = Outcome
persons = Persons
phone = Phone (optional)
refer_to_service = Refer to a service
referrals = Referrals
remove = remove
save = Save
search_person = Search by alias
search_person_hint = e.g. Mohamed, محمد, Singh…
sections = Sections
sector = Sector
service_other = Or type the name of another service
tab_contacts = Contacts
first_sync = Downloading the data
saved_place = Saved place
save_place_as = Save this place as
place_name_needed = Give the place a name (80 characters at most).
choose = Choose…
consent_share_services = Also consents to sharing with the services they are referred to
partner_pua = PUA (central office and teams)
partner_services = referral services
show_more = Show more
since = since { $date }
usual_place = Usual place
waiting_days = Days without feedback
waiting_feedback = Waiting for feedback
when_and_where = When and where
withdraw_confirm = Was consent withdrawn? The identifying data of this person's record will be erased, from their contacts too: their names and the record's phone will also go from the notes of those contacts and the outcomes of their referrals, on this phone, on the server and on colleagues' phones. What is not in the record (another number, an address written in a note) stays: remove it from the notes.
withdraw_consent = Consent withdrawn
workplace = Type of workplace
workplace_hint = e.g. greenhouse, warehouse, building site
refusal-consent_required = without consent only anonymous data is kept
refusal-replaced = consent was withdrawn and the document's history erased: the phone takes the server's version
refusal-too_large = the document is too large or has too many changes for the server
refusal-malformed = the change is damaged and the server cannot keep it
refusal-unknown_reference = the record it refers to is not on the server for this team (yet): it will be sent again
refusal-outcome_required = a closed case needs an outcome, and an outcome its closing date
refusal-eligibility_incomplete = an eligibility decision needs its date and its reasons
refusal-intervention_date = a done intervention needs the date it was done
refusal-assessment_grade = an assessment grades ILO indicators strong, medium or weak only
refusal-invalid_date = a date is not valid (YYYY-MM-DD)
refusal-role_not_allowed = your role may not make this change
refusal-rules_published = a published version of the PUA's rules cannot change: publish a new one
err_consent_required = Without consent only an anonymous contact is recorded.
err_group = A group counts 2 to 500 people; women, men and minors cannot exceed the total.
err_short_text = A short field is longer than 500 characters.
err_no_alias = A consenting person has at least one alias.
err_identifying = Without consent no identifying data is kept.
err_birth_year_range = Invalid birth year.
err_alias_characters = The alias holds control, hidden or text-direction characters.
err_case_date = A date is not valid (YYYY-MM-DD, between 2000 and 2100).
err_outcome_required = To close the case give the outcome and the closing date.
err_eligibility = An eligibility decision needs its date and its reasons.
err_intervention_date = A done intervention needs the date it was done.
err_assessment_grade = Each indicator is graded strong, medium or weak.
err_case_text = A text of the case is too long, or a list has too many items.
err_job_offer = A job offer needs the employer and 1 to 10,000 positions.
err_rules = The PUA's rules need short unique codes, a label per item and a review every 7–365 days.
err_too_many_languages = A person speaks at most 24 languages.
contacts_loading = Loading the contacts from the server…
persons_loading = Loading the persons from the server…
referral_conflict = Two conflicting moves.
referral_conflict_hint = They were recorded while the phones were apart: both are kept. Choose the right one.
moved_by_you = by you
moved_by_colleague = by a colleague
choose_this = This one
signout_pending = You signed out of this device and its data was deleted. Without a network the session is still open on the server: it will be ended at this device's next connection (or by the central office, in Devices).
end_sessions = End sessions
end_sessions_confirm = End every session open on this device? The device is not revoked: it can sign in again with the password.
col_sessions = Open sessions
sign_in_device_error = This browser cannot protect data on the device (cryptography or storage unavailable): nothing was saved. Try another, up-to-date browser.
accounts = Accounts
one_time_password_for = One-time password for { $user }:
one_time_password_hint = Hand it over in person: it is shown only once and stored nowhere in clear.
accounts_read_only = Accounts are administered by the central office: here you can only look them up.
done = Done
role = Role
create_account = Create account
col_devices = Devices
col_actions = Actions
account_disabled_since = Disabled since { $date }
account_locked_until = Locked (wrong passwords) until { $date }
account_enable = Enable
account_disable = Disable
account_reset = New password
account_unlock = Unlock
account_end_everything = Shut out
account_disable_confirm = disable the account? It can no longer sign in and its sessions end at once (the data on its phones stays).
account_reset_confirm = create a new one-time password? Open sessions end: the phones will ask for it and keep their pending changes.
account_end_everything_confirm = compromised account: end every session and revoke every device? The devices wipe their Strada data at their next connection. Disable the account or give it a new password so the old one no longer works.
sign_in_disabled = This account was disabled by the central office.
sign_in_too_many = Too many wrong passwords: try again in half an hour, or ask the central office to unlock the account.
sign_in_too_many_address = Too many failed sign-ins from this network: try again in a few minutes.
sign_in_too_many_devices = Too many new devices for this account in the last 24 hours: try again tomorrow, or ask the central office.
role-field_worker = Field worker
role-central_office = Central office
role-auditor = Auditor (access log)
role-social_expert = Social-services expert
role-labour_expert = Labour-policy expert
role-director = PUA director
refusal-other = the server refused it (a newer version of the app explains why)
channel-street = Street
channel-itinerant_unit = Itinerant unit
channel-desk = Desk
channel-listening_centre = Listening centre
channel-phone = Phone
channel-via_partner = Via a partner
sector-agriculture = Agriculture
sector-logistics = Logistics
sector-construction = Construction
sector-hospitality = Hospitality and tourism
sector-domestic = Domestic work
sector-manufacturing = Manufacturing
sector-other = Other
indicator-abuse_of_vulnerability = Abuse of vulnerability
indicator-deception = Deception
indicator-restriction_of_movement = Restriction of movement
indicator-isolation = Isolation
indicator-physical_sexual_violence = Physical and sexual violence
indicator-intimidation_threats = Intimidation and threats
indicator-retention_of_documents = Retention of identity documents
indicator-withholding_of_wages = Withholding of wages
indicator-debt_bondage = Debt bondage
indicator-abusive_conditions = Abusive working and living conditions
indicator-excessive_overtime = Excessive overtime
material-info_leaflet = Information leaflet
material-food_kit = Food kit
material-water = Water
material-hygiene_kit = Hygiene kit
material-clothing = Clothing
material-protective_equipment = Protective equipment
material-health_kit = Health kit
material-other = Other
consent-not_asked = not asked
consent-given = given
consent-refused = refused
consent-withdrawn = withdrawn
gender-unknown = Not said
gender-woman = Woman
gender-man = Man
gender-non_binary = Non-binary
documents-unknown = Not said
documents-none = No document
documents-identity = Identity document
documents-permit = Residence permit
documents-expired = Expired
documents-withheld = Withheld by the employer
referral_status-proposed = proposed
referral_status-sent = sent
referral_status-accepted = accepted
referral_status-declined = declined by the service
referral_status-attended = attended
referral_status-not_attended = did not attend
referral_status-closed = closed
referral_action-proposed = Propose
referral_action-sent = Mark sent
referral_action-accepted = Accepted
referral_action-declined = Declined
referral_action-attended = Attended
referral_action-not_attended = Did not attend
referral_action-closed = Close with outcome
outcome_required = Write the outcome before closing the referral (for example «no longer needed»): once closed, it cannot be added.

## The central workspace
ws_persons = Persons
ws_contacts = Contacts
ws_referrals = Referrals
ws_search = Search a name or alias (any script)
ws_from = From
ws_to = To
ws_any = All
# The team filter's "any": équipe is feminine.
ws_any_team = All
ws_need = Need
ws_channel = Channel
ws_sector = Sector
ws_indicator = Indicator
ws_indicators = Indicators
ws_consent = Consent
ws_status = Status
ws_partner = Service or organisation
ws_sort = Sort by
ws_sort-relevance = Best match (then last contact)
ws_sort-recent = Latest contact
ws_sort-name = Name
ws_sort-newest = Newest
ws_sort-oldest = Oldest
ws_sort-waiting = Waiting longest
ws_apply = Filter
ws_clear = Clear filters
admin_title = Administration
admin_back = ← Central records
admin_hint = Data exchange in the PUA format, the devices that signed in and the accounts.
ws_more_filters = More filters
ws_fewer_filters = Fewer filters
ws_narrowed_by = filtered by:
ws_narrow_name = Name
ws_clear_inline = remove the filters
ws_csv = Download CSV
ws_csv_hint = The CSV holds pseudonymous columns only (no name, alias or phone: persons by id) and the exchange format's codes.
csv_excel = For Excel set to Italian (; separator)
ws_total =
    { $n ->
        [one] { $n } result
       *[other] { $n } results
    }
ws_more = Show more
ws_select_hint = Pick a row to open its record.
ws_record = Open record
ws_close = Close
ws_no_results = No results with these filters.
ws_col_name = Name
ws_col_last = Latest contact
ws_col_created = Created
ws_group =
    { $n ->
        [one] Group of { $n } person
       *[other] Group of { $n } people
    }
ws_group_label = Group (women · men · minors)
ws_author = Recorded by
ws_aliases = Aliases
ws_birth_year = Birth year
ws_estimated = (estimated)
person_in_review = Two devices wrote different values, under review at the central office: { $fields }.
person_in_review_mine = Written on this device, { $field }: { $value }
person_merged_elsewhere = The central office merged it into the same person's record in another team: the contacts logged here count for that person.
pick_merged_elsewhere = merged into another team's record
born_in = born { $year }
ws_gender = Gender
ws_country = Country of origin
ws_languages = Languages
ws_phone = Phone
ws_documents = Documents
ws_usual_place = Usually found at
ws_partners = Organisations it may be shared with
ws_places = Where they were met
ws_timeline = Timeline
ws_no_places = No place recorded.
ws_map_label = Places met on a schematic map, without background
ws_contact_kind = Contact
ws_referral_kind = Referral
ws_case_kind = Case
ws_workplace = Workplace
ws_materials = Materials given
ws_language = Language of the conversation
ws_outcome = Outcome
ws_conflict = Two status moves made offline wait for a choice.
ws_history = Referral history
ws_open_contact = Open the contact
ws_open_person = Open the person
ws_recorded_as = { $name } (recorded as «{ $alias }»)
ws_review = To review
ws_conflict_open = Open the record
ws_review_intro = These are values two devices wrote differently, neither seeing the other's (while offline, or at the same moment): for each, keep the right one. The choice reaches the phones at their next sync.
ws_review_hint = Open a record to read it here in full.
ws_review_empty = Nothing to review: no value was written in two different ways.
ws_review_failed = The choice was not saved: someone may have made it already. The list is up to date.
ws_keep = Keep this
ws_conflict_shown = shown now
ws_keep_label = Keep this: “{ $value }”
ws_review_kept = Choice saved: { $value }. The record no longer needs review.
ws_conflict_case = { $person } · opened on { $day }
ws_conflict_case_day = opened on { $day }
ws_unknown_writer = unknown writer
ws_writer_merge = central office (a merge or unmerge of records)
ws_writer_review = central office (a choice in «To review»)
ws_writer_import = central office (an import)
ws_field-birth_year = Birth year
ws_field-gender = Gender
ws_field-country = Country of origin
ws_field-documents = Documents
ws_field-phone = Phone
ws_field-sector = Sector
ws_field-person = Person met
ws_field-person_id = Person's record
ws_field-indicators = Note on the indicator
ws_field-outcome = Outcome
ws_field-case_manager = Case manager
ws_field-labour_expert = Labour expert of the case
ws_field-closed_at = Closing date
ws_field-eligibility = Eligibility
ws_field-assessment = Exploitation assessment
ws_field-interventions = PIP intervention
ws_assessment_date = Date of the assessment
xf_title = Import and export (the PUA exchange format)
xf_intro = A JSON Lines file of teams, persons, contacts, referrals, cases and job offers. Import is all or nothing: one invalid line stores nothing. The same file imported twice changes nothing.
xf_export = Export the whole PUA
xf_exported =
    { $n ->
        [one] Exported: { $n } record in { $file } (in the browser's downloads).
       *[other] Exported: { $n } records in { $file } (in the browser's downloads).
    }
xf_file = File to import (.jsonl)
xf_check = Check without storing
xf_import = Import
xf_checked_ok = The file is valid: nothing was stored.
xf_imported = Import done.
xf_created = New:
xf_updated = updated:
xf_unchanged = unchanged:
xf_kind-team = teams
xf_kind-person = persons
xf_kind-contact = contacts
xf_kind-referral = referrals
xf_kind-case = cases
xf_kind-job_offer = job offers
xf_none = none
xf_no_file = Choose a file to check or import first.
xf_empty = The file is empty: there is nothing to import.
xf_withdrawals =
    { $n ->
        [one] Note: { $n } person withdraws consent. Their identifying data, and their names in contacts and referrals, will be erased for good.
       *[other] Note: { $n } persons withdraw consent. Their identifying data, and their names in contacts and referrals, will be erased for good.
    }
xf_notices =
    { $n ->
        [one] { $n } line taken without part of what it gives (consent not given)
       *[other] { $n } lines taken without part of what they give (consent not given)
    }
xf_too_many_records = The file holds more than 50,000 records: split it into several files (importing again changes nothing, and a line may name records already stored).
xf_import_running = Another import is running: try again when it has ended.
xf_groups_title = The errors by field and reason
xf_group_lines =
    { $n ->
        [one] { $n } line
       *[other] { $n } lines
    }
xf_all_lines =
    { $n ->
        [one] The invalid line
       *[other] All { $n } invalid lines
    }
xf_line = Line
xf_invalid =
    { $n ->
        [one] { $n } invalid line: nothing was stored.
       *[other] { $n } invalid lines: nothing was stored.
    }

# The reasons an import gives for an invalid line (strada_shared::import_reasons).
xf_reason-missing = is missing
xf_reason-missing_with_outcome = is missing (required with `outcome`)
xf_reason-missing_with_closed = is missing (required with `closed_at`)
xf_reason-missing_when_done = is missing (required when the status is `done`)
xf_reason-missing_unless_pending = is missing (required unless the decision is `pending`)
xf_reason-missing_people = is missing (a group contact counts its people)
xf_reason-missing_person = is missing (a contact with a person names them)
xf_reason-blank = is blank
xf_reason-empty = must not be empty
xf_reason-not_string = must be a string
xf_reason-not_object = must be an object
xf_reason-not_list = must be a list
xf_reason-not_number = must be a number
xf_reason-not_bool = must be true or false
xf_reason-whole_number = must be a whole number from { $min } to { $max }
xf_reason-number_range = must be a number from -{ $limit } to { $limit }
xf_reason-too_long = longer than { $max } characters
xf_reason-too_many = holds more than { $max } items
xf_reason-too_many_languages = holds more than { $max } languages
xf_reason-too_many_aliases = holds more than { $max } aliases
xf_reason-listed_twice = listed twice
xf_reason-given_twice = given twice
xf_reason-key_twice = a key is given twice
xf_reason-hidden_characters = holds a control character or a mark that reorders text, or shows nothing
xf_reason-unknown_field = unknown field
xf_reason-unknown_code = not a known code
xf_reason-unknown_code_of = not a known code (one of: { $codes })
xf_reason-unknown_type = not a known record type
xf_reason-not_language = not an ISO 639-1 language code
xf_reason-not_country = not an ISO 3166-1 alpha-2 country code
xf_reason-not_date = not a date YYYY-MM-DD (from 2000 to 2100)
xf_reason-not_time = not an RFC 3339 time with an offset
xf_reason-not_json = not valid JSON
xf_reason-not_json_object = not a JSON object
xf_reason-not_utf8 = not UTF-8 text
xf_reason-file_too_large = the file is larger than { $max } bytes
xf_reason-before_2020 = before 2020
xf_reason-before_from = before `from`
xf_reason-future = in the future
xf_reason-consent_future = a consent cannot be recorded in the future
xf_reason-service_id = is not a directory service id (1 to 64 letters, digits, '-', '_', '.' or ':')
xf_reason-service_or_partner = a referral names `service` (a directory service id) or `partner` (an organisation)
xf_reason-need_required = lists at least one need
xf_reason-group_parts = women and men together are more than the people
xf_reason-more_than_people = more than the people
xf_reason-only_when_done = given only when the status is `done`
xf_reason-only_person = given only when `who` is `person`
xf_reason-only_group = given only when `who` is `group`
xf_reason-lifecycle_plain = does not follow the lifecycle
xf_reason-lifecycle = does not follow the lifecycle: { $from } cannot move to { $to }
xf_reason-referral_start = a referral's history starts with the status "proposed"
xf_reason-before_proposed = more than a day before the referral was proposed
xf_reason-referral_moves_fixed = a referral's recorded moves cannot be changed or removed
xf_reason-referral_conflict = the referral waits for a choice between moves made at the same time: choose in the app first
xf_reason-referral_person_fixed = a referral's person cannot change
xf_reason-referral_need_fixed = a referral's need cannot change
xf_reason-referral_contact_fixed = a referral's contact cannot change
xf_reason-proposed_at_fixed = when a referral was proposed cannot change
xf_reason-contact_person_fixed = a contact's person cannot change
xf_reason-case_person_fixed = a case's person cannot change
xf_reason-reviews_kept = a case's recorded reviews cannot be removed
xf_reason-reviews_fixed = a case's recorded reviews cannot be changed or removed
xf_reason-team_move = a record cannot move to another team
xf_reason-author_fixed = the author of a record cannot change
xf_reason-other_type = names a record of another type
xf_reason-names_nothing = names no { $kind } in the file or the store
xf_reason-other_team = names a { $kind } of another team
xf_reason-same_id = the same { $kind } id is on line { $line }
xf_reason-no_slug = no free team slug for an external id
xf_reason-without_consent = a person whose consent is not given keeps no identifying data
xf_reason-alias_required = a person whose consent is given has at least one alias
xf_reason-contact_without_consent = a contact recorded without the person's consent cannot name a person
xf_reason-anonymous_without_consent = kept anonymous, not linked to the person: the person's consent is not given
xf_reason-not_kept_without_consent = not kept, with every identifying field of the line: the person's consent is not given
xf_reason-case_without_consent = names a person whose consent is not given: a case is opened only with the person's consent
xf_reason-case_after_withdrawal = after the person's consent was withdrawn: a case is opened only with the person's consent
xf_reason-dated_before_opening = dated before the case was opened
xf_reason-consent_only_withdrawn = a consent once given can only be withdrawn (write withdrawn): the records made with it stay linked
xf_reason-withdrawal_final = a withdrawal of consent is final: record the person again as a new person
xf_reason-changed_meanwhile = the stored record changed meanwhile: import the file again
xf_reason-unreadable = the stored record cannot be read
xf_reason-set_aside = the stored record cannot be read (it is set aside): import it again later
xf_reason-not_writable = the record cannot be written as a document
# A record type, one of it (in an import's reasons).
xf_one-team = team
xf_one-person = person
xf_one-contact = contact
xf_one-referral = referral
xf_one-case = case
xf_one-job_offer = job offer

## Duplicates and merges (the workspace)
ws_duplicates = Duplicates
dup_intro = Pairs of records that may be the same person, the likeliest first. Choose a pair to compare the two records.
dup_empty = No possible duplicates to review.
dup_pairs = Possible duplicates
dup_col_first = First record
dup_col_second = Second record
dup_col_score = Likelihood
dup_col_reasons = Evidence
dup_score = { $pct }%
dup_born = born { $year }
dup_contacts =
    { $n ->
        [one] { $n } contact
       *[other] { $n } contacts
    }
dup_for = For
dup_against = Against
dup_reason_same_phone = same phone
dup_reason_alias_same = { $a } = { $b }
dup_reason_alias_transliteration = { $a } ≈ { $b } (another script)
dup_reason_alias_spelling = { $a } ≈ { $b } (another spelling)
dup_reason_alias_phonetic = { $a } ≈ { $b } (sounds alike)
dup_reason_alias_partial = { $a } ~ { $b } (part of the name only)
dup_reason_same_year = both born { $a }
dup_reason_birth_year = born { $a } / { $b }
dup_reason_same_gender_woman = both women
dup_reason_same_gender_man = both men
dup_reason_same_gender_non_binary = both non-binary
dup_reason_same_gender_unknown = same gender
dup_reason_same_country = both from { $country }
dup_reason_shared_languages = both speak { $languages }
dup_reason_met_same_day = met { $distance } apart on the same day
dup_reason_met_days =
    { $n ->
        [one] met { $distance } apart, { $n } day apart
       *[other] met { $distance } apart, { $n } days apart
    }
dup_reason_same_usual_place = same usual place: { $place }
dup_reason_similar_phone = phones one digit apart
dup_reason_different_phone = different phones
dup_reason_different_birth_year = born { $a } / { $b }: too far apart
dup_reason_different_gender = different genders: { $a } / { $b }
dup_reason_different_country = different countries: { $a } / { $b }
dup_reason_different_usual_place = different usual places: { $a } / { $b }
dup_reason_other = other evidence
dup_review = Are they the same person?
dup_compare = The two records side by side
dup_field = Field
dup_survivor = Keep this record
dup_contacts_count = Contacts recorded
dup_latest_contacts = Latest contacts
dup_keep_title = Values to keep where the records differ
dup_keep_none = The records do not differ in the fields to choose: aliases and languages are kept from both.
dup_keep_from = { $value } · from { $name }
dup_reason = Reason (required to merge, optional for "Not the same person")
dup_reason_hint = Kept in the person's history: write what tells you it is, or is not, the same person.
dup_merge = Merge
dup_merge_confirm = "{ $merged }" will be merged into "{ $survivor }": its contacts, referrals and cases will count under the latter. This can be undone with "Separate" from the person's page.
dup_merge_yes = Confirm: merge
dup_not_same = Not the same person
dup_skip = Skip
dup_not_same_confirm = These two records will no longer be proposed as the same person. This can be undone from either person's page or from the list "Pairs judged different persons" at the bottom of this page.
dup_not_same_yes = Confirm: different persons
dup_not_same_cancel = Cancel
ws_not_same_title = Judged different persons
ws_not_same_item = Not the same person as { $name }
ws_not_same_meta = Judged on { $when } by { $by }
ws_not_same_undo = Undo the judgement
ws_not_same_undone = Judgement taken back: the pair may be proposed again among the duplicates.
ws_not_same_failed = The judgement was not undone: someone may have done it already. The record is up to date.
dup_merged_ok = «{ $merged }» is merged into «{ $survivor }»: the contacts and referrals of both now count under the latter.
dup_open_merged = Open the merged person
dup_not_same_ok = Marked as different persons: the pair will not be proposed again (undo from the person's page or from the list at the bottom).
dup_judged_title = Pairs judged different persons
dup_judged_hint = The pairs marked "Not the same person", newest first: they are no longer proposed. A judgement made by mistake is taken back here.
dup_judged_empty = No pair has been judged different persons.
dup_judged_more = The { $n } most recent are listed.
dup_narrows = The two records hold different consents: the merged person keeps it only towards the partners both allow ({ $partners }).
dup_narrows_none = none
dup_cases_both = Both records have an open case: after the merge the person will have two. Close the one not needed from its case page.
dup_cases_one = { $name } has an open case: after the merge it stays with the merged person.
dup_err_already_merged = Meanwhile one of the two records was merged (into the other or into someone else) from another desk: the list is up to date.
dup_err_judged_meanwhile = Meanwhile these two records were judged different people: they were not merged, the list is up to date.
dup_err_invalid = The merge is not valid: it needs a reason and two different records.
dup_err_already_unmerged = This merge was already undone: the record is up to date.
dup_err_survivor_merged_since = The person this record was merged into was later merged into another: undo that merge first (merges are undone from the last).
dup_withdraws = One of the two records has no consent: merged, the record that stays loses its consent and all its identifying data (aliases, phone, place…) is erased for good. Separating them later does not bring it back.
dup_withdraws_ok = I understand: merge and erase the identifying data
dup_err_withdraws = This merge would erase identifying data: confirm it by ticking the box.
dup_err_judged = Records of these two persons were judged different people: to merge them, take that judgement back first on the person's page or in the list "Pairs judged different persons".
dup_err_generic = That did not work: try again later.
ws_merged_into = This record was merged into
ws_merged_into_other = another record
ws_merged_into_then = , itself merged into
ws_merged_persons = Merged persons
ws_merges = Merge history
ws_merge_title = Merge of { $when }
ws_merge_by = By
ws_merge_persons = Records
ws_reason_erased = (erased when consent was withdrawn)
ws_merge_reason = Reason
ws_merge_kept = Values kept
ws_merge_consent = Consent after the merge
ws_merge_undone = Undone on { $when } by { $by }: { $reason }
ws_unmerge = Separate
ws_unmerge_reason = Why they are two persons (required)
ws_unmerge_confirm = Confirm the separation
ws_unmerge_not_same = Also mark them as different persons: the pair will not be proposed again
ws_unmerge_cancel = Cancel
ws_merge_field-birth_year = Birth year
ws_merge_field-gender = Gender
ws_merge_field-country = Country of origin
ws_merge_field-phone = Phone
ws_merge_field-documents = Documents
ws_merge_field-usual_place = Usually found at
ws_kept-survivor = from the record kept
ws_kept-merged = from the merged record

## What a central device keeps offline (issue 11 §1)
scope_title = Offline on this device
scope_help = The workspace reads the records from the server: this device does not download every team's documents. To work without a network (mobile unit) choose the teams to keep here; persons are added from their page. What you write yourself always stays on the device.
scope_team = Team { $team }
scope_persons =
    { $n ->
        [one] { $n } person kept offline.
       *[other] { $n } persons kept offline.
    }
scope_unread =
    { $n ->
        [one] Without the network the choice cannot be read or changed: this device keeps what was chosen at the last connection ({ $n } person, with their contacts, in «Log contacts»).
       *[other] Without the network the choice cannot be read or changed: this device keeps what was chosen at the last connection ({ $n } persons, with their contacts, in «Log contacts»).
    }
scope_no_persons = No person kept offline.
scope_person_remove = Remove
scope_person_not_here = (not on this device yet)
scope_clear_persons = Remove every person
scope_save = Save and sync
scope_saved = Saved: the device syncs again and, once that sync is complete, keeps only what you chose (until then it removes nothing).
scope_failed = The choice was not saved. Try again when online.
scope_keep_person = Keep offline on this device
scope_drop_person = Stop keeping offline
ws_consent_on_merged = on the merged record { $name }
ws_consent_history = Consent history
# Case work (issue 12): cases, the PIP, job offers, the PUA's rules.
case_access = Access conditions
case_add_intervention = Add intervention
case_add_review = Record the review
case_assessment = Exploitation assessment
case_closed = Closed
case_closed_at = Closing date
case_closure = Closing the case
case_decision = Decision
case_decision_date = Date of the decision
case_done_at = Done on
case_eligibility = Eligibility
case_evidence = Evidence
case_intake = Intake and first meeting
case_judgement = Overall judgement
case_labour_expert = Labour expert
case_language = Language of the meeting
case_manager = Case manager
case_matches = Matching job offers
case_mediator = With a mediator
case_meeting_date = Date of the first meeting
case_meeting_mode = Way of the first meeting
case_mine = My cases only
case_no_contact = No contact for 90 days
case_no_matches = No matching offer for now.
case_none = No cases.
case_note = Note
case_jump = Sections of the case
case_pip_note = Intervention note (e.g. why cancelled)
case_offline = Offline: the copy on this device is edited; contacts, referrals and offers show with the network.
case_list_offline = Offline: the cases kept on this device. 90 days without contact shows with the network.
case_open = Open
case_open_new = Open a case (intake)
case_opened_at = Taken in charge on
case_outcome = Outcome
case_overdue = Review overdue
case_pip = PIP
case_stage-intake = Intake
case_stage-assessed = Assessed
case_stage-eligible = Eligible
case_stage-not_eligible = Not eligible
case_stage-pip = PIP under way
case_stage-closed = Closed
case_late_interventions = Late interventions: { $n }
case_pick_from_directory = Or choose a service from the directory
case_pick_from_last_contact = Distances from where the person was last met
case_person_not_held = Person not kept on this device
case_pip_title = Personalised intervention plan (PIP)
case_plan_languages = Languages
case_planned_at = Planned for
case_positions =
    { $n ->
        [one] { $n } position
       *[other] { $n } positions
    }
case_reason_distance = { $km } km away
case_reason_languages = shared languages: { $languages }
case_reason_season = in season
case_reason_sector = same sector ({ $sector })
case_reason_soon =
    { $n ->
        [one] starts in { $n } day
       *[other] starts in { $n } days
    }
case_reasons = Reasons
case_review_date = Date of the review
case_review_due = Next review
case_reviews = Reviews of the PIP
case_rules_version = PUA rules, version
case_save = Save
case_save_closure = Close the case
case_saved = Saved on this device: it syncs now, or as soon as the network is back.
case_saved_over = Not saved: another desk saved other values here after you opened the case. Press «Reload» to see them, or save again to replace them with yours.
case_date_ahead = Not saved: the date of something that has happened (meeting, assessment, decision, intervention done, review, closure) cannot be in the future.
case_date_before_opening = Not saved: a review, an intervention done or the closure cannot be dated before the case was opened.
case_changed_elsewhere = This case was changed at another desk: reload to see it (what you have not saved will be lost).
case_reload = Reload
case_sent_elsewhere = This intervention was already sent to the partner from another desk: not sent twice.
case_under_review = To review (two desks wrote different values; chosen in «Da rivedere»): { $fields }.
case_read_only = Read only: your role reads cases but does not change them; what you type here is not saved.
case_plan_only = Your role changes only the work-reintegration plan; the rest of the case is read only.
case_score = score { $score }
case_send = Send to the partner
case_send_needs_contact = The person needs at least one contact
case_sent = Sent
case_skills = Skills
case_strength = Strength
case_title_many = Cases
case_training = Training
case_work_plan = Work-reintegration plan
decision-pending = Pending
decision-eligible = Eligible
decision-not_eligible = Not eligible
intervention_status-planned = Planned
intervention_status-in_progress = In progress
intervention_status-done = Done
intervention_status-cancelled = Cancelled
outcome-emerged = Emerged
outcome-partly_emerged = Partly emerged
outcome-not_emerged = Not emerged
outcome-dropped_out = Dropped out
outcome-transferred = Transferred to another service
strength-strong = Strong
strength-medium = Medium
strength-weak = Weak
job_add = Record the offer
job_area = Area
job_employer = Employer
job_languages = Languages required
job_languages_col = Languages
job_lat = Latitude
job_lon = Longitude
job_positions = Positions
job_season = Season
job_title = Job offers
rules_criteria = Eligibility criteria
rules_hint = One item per line: code | label | explanation. Publishing makes a new version; assessed cases keep theirs.
rules_in_force = Rules in force: version { $version }
rules_newer = Another desk published version { $version }: reload to see it (what you have not published will be lost).
rules_read_only = The rules are read here; the central office and the director publish them.
rules_superseded = Meanwhile another desk published version { $version }: your changes were not published. Reload to see it, then make them again.
rules_interval = Review the PIP every (days)
rules_line_problem = Not published: “{ $list }”, line { $line }: { $problem }.
rules_bad_code = the code is lower-case letters, digits and _ (at most 40), before “|”
rules_code_twice = the same code is on a line above
rules_no_label = the label is missing: write “code | label | explanation”
rules_too_long = the label is over 120 characters or the explanation over 2,000
rules_too_many = the list has more than 60 items
rules_bad_interval = Not published: the PIP review is every 7 to 365 days.
rules_publish = Publish a new version
rules_title = The PUA's rules
case_flags = Flags
case_actions = Actions
scope_cases = Keep case work offline too: the cases of these teams and persons and those you follow, the job offers and the PUA's rules

## dashboard and quarterly report (rp_)
rp_dashboard_tab = Dashboard
rp_report_tab = Quarterly report
rp_whole_pua = The whole PUA
rp_show = Show
rp_quick = Quick choices of the period
rp_this_quarter = This quarter
rp_last_quarter = Last quarter
rp_this_year = This year
rp_last_12_months = Last 12 months
rp_invalid_period = The period is not valid: it needs two dates, the first not after the second.
rp_from_to = From { $from } to { $to }
rp_compared_with = compared with { $from } to { $to }
rp_before = Before:
rp_days = { $value } days
rp_points = { $value } points
rp_unknown = Not recorded
rp_month_names = Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec
rp_show_table = Data table
rp_headline_title = Headline figures
rp_fig_contacts = Contacts
rp_fig_people_reached = People reached
rp_fig_new_persons = New persons
rp_fig_referrals = Referrals
rp_fig_acceptance = Referrals accepted
rp_fig_median_days = Days to answer (median)
rp_fig_waiting = Referrals unanswered for 8 days or more
rp_fig_cases_opened = Cases taken in charge
rp_fig_eligible = Cases eligible
rp_fig_active = Cases open at the end
rp_fig_success = Success rate (emerged)
rp_fig_pip = PIP interventions done
rp_seasonal_title = Contacts by month and sector
rp_seasonal_label = Bar chart: contacts by month, split by sector of work
rp_seasonal_hint = Each bar is a month; sectors have different colours and patterns. Seasonal peaks (harvests, end-of-year logistics) show in the height of the bars.
rp_area_title = Contacts on the territory
rp_area_label = Schematic map of the territory: contacts per cell of the grid, with a few reference towns
rp_area_hint = Contacts counted per cell of the grid, never a point per person. The darker the cell, the more contacts.
rp_area_legend = Contacts per cell
rp_area_label_need = Schematic map of the territory: contacts recording the need "{ $need }" per cell of the grid, with a few reference towns
rp_area_legend_need = { $need }: contacts per cell
rp_map_show = On the map
rp_map_all = Every contact
rp_contacts_n =
    { $n ->
        [one] { $n } contact
       *[other] { $n } contacts
    }
rp_without_place =
    { $n ->
        [one] { $n } contact recorded without a place.
       *[other] { $n } contacts recorded without a place.
    }
rp_col_near = Near
rp_col_cell = Cell (degrees)
rp_col_main_needs = Main needs
rp_network_title = Referrals by organisation: from proposal to attendance
rp_funnel_label = Bar chart: referrals by organisation, proposed, sent, answered and attended
rp_funnel_label_top =
    { $n ->
        [one] Bar chart: referrals of the organisation with the most, proposed, sent, answered and attended
       *[other] Bar chart: referrals of the { $n } organisations with the most, proposed, sent, answered and attended
    }
rp_stage_proposed = Proposed
rp_stage_sent = Sent
rp_stage_answered = Answered
rp_stage_attended = Attended
rp_col_organisation = Organisation
rp_col_accepted = Accepted
rp_col_declined = Declined
rp_workload_title = Workload per person
rp_workload_caption = Contacts, referrals and cases followed by each worker
rp_col_user = User
rp_col_cases = Cases
rp_teams_title = Contacts by team
rp_monitoring_title = Monitoring of cases
rp_mon_open = Cases open on { $date }
rp_mon_overdue = With the PIP review overdue
rp_mon_no_contact = Without contact for 90 days
rp_pip_title = Open cases by share of the PIP done
rp_col_pip_done = PIP done
rp_pip_none = No intervention planned
rp_col_period = Period
rp_col_before = Previous period
rp_col_month = Month
rp_col_total = Total
rp_col_figure = Figure
rp_col_change = Change
rp_comparison_caption = The quarter's figures and the previous quarter's
rp_downloads = Download the data (CSV)
rp_downloads_hint = Each table of the period as a CSV file, with the previous period where it applies.
rp_anonymous = Anonymous export (CSV)
rp_anonymous_hint = Counts of people to share outside the PUA: every figure about fewer than 11 people is hidden.
rp_anonymous_later = A quarter's anonymous export is published once the quarter is over, and stays the same: two exports of a quarter under way would give away by their difference the small counts it hides.
rp_quarter = Quarter
rp_quarter_name = Q{ $q } { $year }
rp_print = Print
rp_download = Download the report (HTML)
rp_report_title = Quarterly report
rp_doc_kicker = PUA — Single point of access · INLAV Lombardia programme
rp_generated = Produced on { $date } from the PUA's records.
rp_provisional = Quarter in progress: the data run to { $date }, compared with the same days of the quarter before.
rp_same_days_of = { $quarter }, same days
rp_sec_summary = Summary and comparison with the previous quarter
rp_definitions = People reached: the distinct persons named by the period's contacts, plus the anonymous contacts and the people of groups (a group of five counts five). Referrals accepted: among the period's referrals with an answer, the share accepted. Success rate: among the cases closed in the period, the share with the outcome "emerged". PIP interventions done: among the interventions planned in the period and not cancelled, the share done by the end of the period.
rp_sec_volume = Volume of services and cases
rp_channels_title = Contacts by access channel
rp_needs_title = Needs recorded in contacts
rp_referral_needs_title = Referrals by need
rp_indicators_title = Indicators of exploitation (ILO) recorded
rp_cases_title = Cases and success rate
rp_outcomes_title = Cases closed by outcome
rp_sec_resources = Resources against the volume: workload
rp_resources_field =
    { $n ->
        [one] { $n } person recorded contacts: { $per } contacts each on average.
       *[other] { $n } people recorded contacts: { $per } contacts each on average.
    }
rp_resources_cases =
    { $n ->
        [one] { $n } person follows cases: { $per } cases each on average.
       *[other] { $n } people follow cases: { $per } cases each on average.
    }
rp_sec_network = Work with the network
rp_sec_area = The territory
rp_sec_monitoring = Monitoring of cases (in aggregate)
rp_sec_notes = The director's observations on the context
rp_notes_label = Observations on the quarter's context (seasons, changes on the territory, the CCC's notes)
rp_notes_save = Save the observations
rp_notes_saved = Observations saved.
rp_notes_changed = Meanwhile { $by } saved other observations, below. Your text is still in the box: save again to replace them.
rp_notes_failed = The observations were not saved: a network is needed. The text stays here.
rp_notes_none = No observations for this quarter.
rp_notes_updated = Last changed: { $when }, { $by }.
rp_doc_footer = For internal use by the PUA and its coordination boards: aggregate figures, with no personal data of the people met. To share outside the PUA, use the anonymous export.
rp_csv-figures = Headline figures
rp_csv-seasonal = Contacts by month and sector
rp_csv-channels = Contacts by channel
rp_csv-sectors = Contacts by sector
rp_csv-teams = Contacts by team
rp_csv-needs = Needs
rp_csv-indicators = Indicators of exploitation
rp_csv-referral_needs = Referrals by need
rp_csv-network = Referrals by organisation
rp_csv-workload = Workload
rp_csv-outcomes = Cases closed by outcome
rp_csv-area = Contacts on the territory
rp_csv-monitoring = Monitoring of cases

# Language names in the interface's language (the central records)
language-it = Italian
language-en = English
language-fr = French
language-ar = Arabic
language-bn = Bengali
language-pa = Punjabi
language-ur = Urdu
language-hi = Hindi
language-wo = Wolof
language-ff = Fula
language-bm = Bambara
language-ro = Romanian
language-sq = Albanian
language-es = Spanish
language-pt = Portuguese
language-zh = Chinese
language-ti = Tigrinya
language-am = Amharic
language-so = Somali
language-tw = Twi
language-uk = Ukrainian
language-ru = Russian
language-tr = Turkish
language-ps = Pashto
