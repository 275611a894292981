### Strada: il catalogo italiano, la lingua di riferimento (completa).
### Formato: un sottoinsieme di Fluent (https://projectfluent.org), descritto in
### app/src/i18n/ftl.rs. Ogni chiave di questo file va anche in en.ftl.

## The language itself
lang_name = Italiano
language = Lingua

## sign-in
app_title = Strada
tagline = Contatti di strada, anche senza rete
sign_in_title = Accedi
username = Nome utente
password = Password
sign_in = Accedi
signing_in = Accesso in corso…
sign_in_needs_network = Serve la rete per il primo accesso.
sign_out = Esci
bad_credentials = Nome utente o password errati.

## device encryption, lock, revocation
unlock_title = Dispositivo bloccato
unlock_intro = I dati su questo dispositivo sono cifrati. Inserisci la password di { $user }.
unlock = Sblocca
unlocking = Sblocco in corso…
wrong_password = Password errata: riprova.
unlock_broken = I dati cifrati di questo dispositivo non si possono aprire. Usa un altro account per ricominciare.
use_other_account = Usa un altro account
wipe_confirm = Tutti i dati di Strada su questo dispositivo saranno cancellati. Continuare?
wipe_confirm_pending =
    { $n ->
        [one] C'è { $n } modifica non ancora sincronizzata: andrà persa. Cancellare tutti i dati di Strada da questo dispositivo?
       *[other] Ci sono { $n } modifiche non ancora sincronizzate: andranno perse. Cancellare tutti i dati di Strada da questo dispositivo?
    }
sign_out_confirm = Uscendo, i dati di Strada saranno cancellati da questo dispositivo. Uscire?
sign_out_confirm_pending =
    { $n ->
        [one] C'è { $n } modifica non ancora sincronizzata: uscendo andrà persa. Uscire e cancellare i dati da questo dispositivo?
       *[other] Ci sono { $n } modifiche non ancora sincronizzate: uscendo andranno perse. Uscire e cancellare i dati da questo dispositivo?
    }
device_revoked = Questo dispositivo è stato revocato dall'ufficio centrale: i dati di Strada sono stati cancellati.
reauth_hint = Sessione scaduta: accedi di nuovo per sincronizzare. I dati restano sul dispositivo.
idle_lock = Blocco automatico
minutes = { $n } min
devices = Dispositivi
col_user = Utente
col_device = Dispositivo
col_signed_in = Accesso
col_last_seen = Ultimo contatto
col_state = Stato
device_active = Attivo
device_is_revoked = Revocato
revoke = Revoca
revoke_confirm = Revocare questo dispositivo? Alla prossima connessione i suoi dati di Strada saranno cancellati.
no_devices = Nessun dispositivo.
session_expired = Sessione scaduta: accedi di nuovo per sincronizzare. I dati sul dispositivo restano.
signed_in_as = Collegato come { $user }
online = In linea
offline = Senza rete
syncing = Sincronizzazione…
pending_changes = Modifiche in attesa
last_sync = Ultima sincronizzazione
never = mai
sync_now = Sincronizza ora
waiting_short = in attesa
refused_line =
    { $n ->
        [one] 1 modifica rifiutata dal server: la sua riga è segnata nella lista.
       *[other] { $n } modifiche rifiutate dal server: le righe sono segnate nelle liste.
    }
status_details = Dettagli: sincronizzazione, account, lingua, blocco automatico
new_contact = Nuovo contatto
when = Quando
place = Luogo
locating = Rilevamento posizione…
place_unavailable = Posizione non disponibile: inseriscila a mano o salta.
place_skipped = Posizione non registrata.
use_my_position = Usa la mia posizione
skip_position = Non registrare il luogo
latitude = Latitudine
longitude = Longitudine
accuracy = precisione
person = Persona
person_alias = Con un alias
person_anonymous = Anonima
alias_label = Alias o soprannome
alias_hint = Mai nome e cognome completi
needs = Bisogni di prima necessità
note = Nota
note_hint = Solo ciò che serve al lavoro

## services directory
svc_nav = Servizi
svc_title = Servizi vicini
svc_need = Di cosa ha bisogno la persona?
svc_all_needs = Tutti
svc_language = Lingua della persona
svc_any_language = Qualsiasi
svc_documents = Documenti della persona
svc_doc-unknown = Non so / non detto
svc_doc-none = Nessun documento
svc_doc-identity = Solo documento d'identità
svc_doc-permit = Permesso di soggiorno valido
svc_doc-expired = Documento scaduto
svc_doc-withheld = Trattenuti dal datore di lavoro
svc_open_now_only = Aperto ora
svc_near_me = Vicino a me
svc_locating = Cerco la posizione…
svc_no_position = Posizione non disponibile: elenco senza distanze.
svc_position_ok = Distanze dalla tua posizione
svc_open = Aperto ora
svc_closed = Chiuso ora
svc_hours_unknown = Orari non noti
svc_none = Nessun servizio per questa ricerca.
svc_no_directory = L'elenco dei servizi non è ancora su questo telefono: collegati alla rete una volta.
svc_updated = Elenco aggiornato al { $date }
svc_results =
    { $n ->
        [one] { $n } servizio trovato
       *[other] { $n } servizi trovati
    }
svc_to_check = da verificare
svc_not_met = non soddisfatto
svc_language_match = Parla la lingua della persona
svc_back = Torna all'elenco
svc_organization = Ente
svc_address = Indirizzo
svc_hours = Orari
svc_closed_day = chiuso
svc_phone = Telefono
svc_email = Email
svc_website = Sito
svc_capacity = Capienza
svc_places =
    { $n ->
        [one] { $n } posto
       *[other] { $n } posti
    }
svc_languages_spoken = Lingue parlate
svc_requirements = Requisiti di accesso
svc_no_requirements = Nessun requisito
svc_free = Gratuito
svc_paid = A pagamento
svc_not_found = Servizio non trovato nell'elenco.
svc_picker_title = Servizi proposti
svc_pick = Scegli
svc_picked = Scelto
requirement-identity_document = Serve un documento d'identità
requirement-residence_permit = Serve il permesso di soggiorno
requirement-health_card = Serve tessera sanitaria o codice STP/ENI
requirement-municipal_residence = Serve la residenza nel comune
requirement-referral = Serve l'invio da un servizio
requirement-appointment = Su appuntamento
requirement-adults_only = Solo adulti
requirement-women_only = Solo donne
requirement-men_only = Solo uomini
day_1 = Lunedì
day_2 = Martedì
day_3 = Mercoledì
day_4 = Giovedì
day_5 = Venerdì
day_6 = Sabato
day_7 = Domenica
save_contact = Salva contatto
saved = Contatto salvato sul dispositivo.
contacts = Contatti registrati
no_contacts = Nessun contatto registrato su questo dispositivo.
anonymous = Anonimo
status_pending = In attesa di sincronizzazione
status_synced = Sincronizzato
status_refused = Rifiutato dal server
discard_change = Scarta la modifica
refusal-type_mismatch = il tipo di documento non corrisponde
refusal-not_allowed = non puoi modificare questo documento
refusal-foreign_actor = la modifica è stata fatta su un altro dispositivo o da un altro utente
refusal-schema = il documento non è valido
refusal-id_mismatch = l'identificativo del documento non corrisponde
refusal-empty = il documento è vuoto
refusal-other_team = puoi registrare solo documenti della tua équipe
refusal-not_author = il documento deve essere a nome di chi ha fatto l'accesso
refusal-need_required = un nuovo contatto richiede almeno un bisogno
refusal-referral_start = un nuovo invio parte come proposto o inviato
refusal-referral_fixed = un invio mantiene il suo contatto e il suo bisogno
refusal-team_move = un documento non può passare a un'altra équipe
refusal-author_change = l'autore di un documento non può cambiare
refusal-lifecycle = lo stato di un invio può solo avanzare lungo il suo percorso
refusal-server_error = il server non è riuscito a elaborarlo
discard_confirm = Scartare la modifica rifiutata? Sul telefono torna l'ultima versione accettata dal server.
central_records = Archivio centrale
central_not_for_role = L'archivio centrale è dell'ufficio centrale: qui ci sono le pagine della tua équipe.
field_app = Registrazione contatti
central_needs_network = L'archivio centrale si consulta con la rete.
central_lists_need_network = L'archivio centrale si consulta con la rete. Senza rete, ciò che questo dispositivo tiene offline (équipe, persone scelte) si consulta e si modifica in «Registrazione contatti».
central_unavailable = L'archivio centrale non si è caricato: ricarica la pagina con la rete.
central_unavailable_field = Apri «Registrazione contatti»: ciò che questo dispositivo tiene offline si consulta e si modifica lì.
central_index_building = L'archivio centrale si sta preparando dopo un riavvio del server: riprova tra un minuto.
central_session_over = Sessione scaduta: accedi di nuovo.
central_forbidden = Il tuo ruolo non permette di vedere o fare questo.
central_not_found = Questo dato non c'è più sul server: aggiorna la pagina.
central_too_large = Il file è troppo grande per essere inviato in una volta: dividilo in parti.
central_invalid_period = Il periodo non è valido: la data di inizio viene dopo quella di fine.
central_invalid_filter = I filtri non sono validi: controlla le date e l'équipe scelte.
central_server_failed = Il server non è riuscito a rispondere: riprova tra poco. Se succede ancora, avvisa l'amministratore.
col_when = Quando
col_person = Persona
col_needs = Bisogni
col_team = Équipe
col_note = Nota
refresh = Aggiorna
loading = Caricamento…
storage_unavailable = Il browser non permette di salvare dati sul dispositivo (IndexedDB).
err_empty_alias = Scrivi un alias oppure scegli «Anonima».
err_alias_too_long = L'alias è troppo lungo (massimo 80 caratteri).
err_no_needs = Scegli almeno un bisogno.
err_duplicate_need = Un bisogno è ripetuto.
err_note_too_long = La nota è troppo lunga (massimo 4000 caratteri).
err_place = Latitudine o longitudine non valide.
err_time = Data e ora non valide.
err_time_future = La data è nel futuro: un contatto si registra dopo che è avvenuto. Correggi «Quando».
contact_edit = Correggi il contatto
contact_edit_cancel = Annulla
err_save = Non è stato possibile salvare sul dispositivo.
err_locked_save = Il dispositivo si è bloccato: sbloccalo e salva di nuovo.
err_storage_save = La memoria del browser non ha funzionato: la modifica non è salvata. Riprova; se succede ancora, avvisa il coordinamento.
err_crypto_save = La cifratura del browser non ha funzionato: la modifica non è salvata. Riprova; se succede ancora, avvisa il coordinamento.
err_not_on_device = Questa scheda non è più su questo dispositivo.
storage_corrupt = Alcuni dati su questo dispositivo non si leggono più. Avvisa il coordinamento; i dati già inviati sono al sicuro sul server.
err_partner = Indica il servizio a cui inviare (massimo 120 caratteri).
update_available = È disponibile una nuova versione.
reload = Aggiorna l'app
need-food = Cibo
need-shelter = Riparo
need-hygiene = Igiene
need-health = Salute
need-legal_aid = Tutela legale
need-mediation = Mediazione linguistico-culturale
need-housing = Casa
need-job_orientation = Orientamento al lavoro
need-documents = Documenti
need-mobility = Mobilità
need-protection = Protezione
need-training = Formazione

## contact form, persons, referrals
aliases = Alias e soprannomi
aliases_hint = Uno per riga, in qualsiasi alfabeto. Mai il nome anagrafico completo.
birth_year_or_age = Anno di nascita o età
change = cambia
channel = Canale
consent = Consenso
consent_given = Sì, acconsente
consent_question = La persona acconsente a registrare e condividere i suoi dati?
consent_refused = No
consent_refused_hint = Il contatto sarà registrato in forma anonima: l'alias non viene salvato.
contact_details = Dettagli: canale, settore, lingua, materiali
country = Paese di origine
country_unknown = Non indicato
documents = Documenti
err_birth_year = Scrivi un anno (es. 1994) o un'età (es. 30).
err_consent_missing = Chiedi il consenso prima di salvare una persona nuova.
err_who = Scrivi un alias o scegli una persona, oppure scegli «Anonimo».
follow_up_needed = Serve un nuovo incontro (follow-up)
gender = Genere
group = Gruppo
group_men = Uomini
group_minors = Minori
group_people = Persone
group_women = Donne
indicator_note = Nota (facoltativa)
indicators = Indicatori di sfruttamento (OIL)
indicators_hint = Segna solo ciò che hai osservato o che la persona ha raccontato.
language_used = Lingua usata
languages_spoken = Lingue parlate
last_contacts = Ultimi contatti
last_met = ultimo incontro { $date }
materials = Materiali consegnati
mediator_present = Presente un mediatore culturale
no_persons = Nessuna persona trovata.
persons_only_kept = Su questo dispositivo ci sono solo le persone delle équipe e le persone che tiene offline; le altre sono nell'archivio centrale (con la rete).
no_referrals = Nessun invio sul dispositivo.
not_said = Non indicato
nothing_waiting = Nessun invio in attesa di riscontro.
ok = OK
outcome = Esito
persons = Persone
phone = Telefono (facoltativo)
refer_to_service = Invia a un servizio
referrals = Invii
remove = togli
save = Salva
search_person = Cerca per alias
search_person_hint = es. Mohamed, محمد, Singh…
sections = Sezioni
sector = Settore
service_other = Oppure scrivi il nome di un altro servizio
tab_contacts = Contatti
first_sync = Scaricamento dei dati
saved_place = Luogo salvato
save_place_as = Salva questo luogo come
place_name_needed = Dai un nome al luogo (massimo 80 caratteri).
choose = Scegli…
consent_share_services = Acconsente anche alla condivisione con i servizi a cui viene inviata
partner_pua = PUA (ufficio centrale ed équipe)
partner_services = servizi di invio
show_more = Mostra altri
since = dal { $date }
usual_place = Luogo abituale
waiting_days = Giorni senza riscontro
waiting_feedback = In attesa di riscontro
when_and_where = Quando e dove
withdraw_confirm = Il consenso è stato ritirato? I dati identificativi della scheda di questa persona saranno cancellati, anche dai suoi contatti: i suoi nomi e il telefono della scheda spariranno anche dalle note dei contatti e dagli esiti dei suoi invii, su questo telefono, sul server e sui telefoni dei colleghi. Ciò che non è nella scheda (un altro numero, un indirizzo scritto in una nota) resta: toglilo dalle note.
withdraw_consent = Consenso ritirato
workplace = Tipo di luogo di lavoro
workplace_hint = es. serra, magazzino, cantiere
refusal-consent_required = senza consenso si conservano solo dati anonimi
refusal-replaced = il consenso è stato ritirato e la storia del documento cancellata: il telefono riceve la versione del server
refusal-too_large = il documento è troppo grande o ha troppe modifiche per il server
refusal-malformed = la modifica è danneggiata e il server non può conservarla
refusal-unknown_reference = la scheda a cui si riferisce non è (ancora) sul server per questa équipe: verrà inviata di nuovo
refusal-outcome_required = un caso chiuso richiede l'esito, e l'esito la data di chiusura
refusal-eligibility_incomplete = la decisione sull'ammissibilità richiede data e motivazioni
refusal-intervention_date = un intervento svolto richiede la data in cui è stato svolto
refusal-assessment_grade = la valutazione gradua gli indicatori ILO solo come forte, medio o debole
refusal-invalid_date = una data non è valida (AAAA-MM-GG)
refusal-role_not_allowed = il tuo ruolo non permette questa modifica
refusal-rules_published = una versione pubblicata delle regole del PUA non può cambiare: pubblicane una nuova
err_consent_required = Senza consenso si registra solo un contatto anonimo.
err_group = Un gruppo conta da 2 a 500 persone; donne, uomini e minori non possono superare il totale.
err_short_text = Un campo breve supera i 500 caratteri.
err_no_alias = Una persona con consenso ha almeno un alias.
err_identifying = Senza consenso non si conservano dati identificativi.
err_birth_year_range = Anno di nascita non valido.
err_alias_characters = L'alias contiene caratteri di controllo, invisibili o di direzione del testo.
err_case_date = Una data non è valida (AAAA-MM-GG, tra il 2000 e il 2100).
err_outcome_required = Per chiudere il caso indica l'esito e la data di chiusura.
err_eligibility = La decisione sull'ammissibilità richiede data e motivazioni.
err_intervention_date = Un intervento svolto richiede la data in cui è stato svolto.
err_assessment_grade = Ogni indicatore si valuta come forte, medio o debole.
err_case_text = Un testo del caso è troppo lungo, o un elenco ha troppe voci.
err_job_offer = Un'offerta di lavoro richiede il datore di lavoro e da 1 a 10.000 posti.
err_rules = Le regole del PUA richiedono codici brevi e unici, un'etichetta per voce e una revisione ogni 7–365 giorni.
err_too_many_languages = Una persona parla al massimo 24 lingue.
contacts_loading = Caricamento dei contatti dal server…
persons_loading = Caricamento delle persone dal server…
referral_conflict = Due spostamenti in conflitto.
referral_conflict_hint = Sono stati registrati mentre i telefoni erano separati: sono conservati entrambi. Scegli quello giusto.
moved_by_you = da te
moved_by_colleague = da un collega
choose_this = Vale questo
signout_pending = Sei uscito da questo dispositivo e i suoi dati sono stati cancellati. Senza rete la sessione è ancora aperta sul server: sarà chiusa alla prossima connessione di questo dispositivo (oppure dall'ufficio centrale, in Dispositivi).
end_sessions = Chiudi le sessioni
end_sessions_confirm = Chiudere tutte le sessioni aperte su questo dispositivo? Il dispositivo non viene revocato: potrà accedere di nuovo con la password.
col_sessions = Sessioni aperte
sign_in_device_error = Questo browser non riesce a proteggere i dati sul dispositivo (crittografia o archivio non disponibili): non è stato salvato nulla. Prova con un altro browser aggiornato.
accounts = Account
one_time_password_for = Password temporanea per { $user }:
one_time_password_hint = Consegnala di persona: è mostrata una sola volta e non è salvata da nessuna parte in chiaro.
accounts_read_only = Gli account sono amministrati dall'ufficio centrale: qui puoi solo consultarli.
done = Fatto
role = Ruolo
create_account = Crea account
col_devices = Dispositivi
col_actions = Azioni
account_disabled_since = Disattivato dal { $date }
account_locked_until = Bloccato (password errate) fino alle { $date }
account_enable = Riattiva
account_disable = Disattiva
account_reset = Nuova password
account_unlock = Sblocca
account_end_everything = Chiudi tutto
account_disable_confirm = disattivare l'account? Non potrà più accedere e le sue sessioni si chiudono subito (i dati sui suoi telefoni restano).
account_reset_confirm = creare una nuova password temporanea? Le sessioni aperte si chiudono: i telefoni la chiederanno e non perderanno le modifiche in attesa.
account_end_everything_confirm = account compromesso: chiudere ogni sessione e revocare ogni dispositivo? I dispositivi cancellano i dati di Strada alla prossima connessione. Disattiva l'account o dagli una nuova password perché la vecchia non basti più.
sign_in_disabled = Questo account è stato disattivato dall'ufficio centrale.
sign_in_too_many = Troppi tentativi con password errata: riprova tra mezz'ora, o chiedi all'ufficio centrale di sbloccare l'account.
sign_in_too_many_address = Troppi accessi non riusciti da questa rete: riprova tra qualche minuto.
sign_in_too_many_devices = Troppi dispositivi nuovi per questo account nelle ultime 24 ore: riprova domani, o chiedi all'ufficio centrale.
role-field_worker = Operatore di strada
role-central_office = Ufficio centrale
role-auditor = Revisore (registro degli accessi)
role-social_expert = Esperto/a dei servizi sociali
role-labour_expert = Esperto/a di politiche del lavoro
role-director = Direzione del PUA
refusal-other = il server l'ha rifiutato (una versione più recente dell'app ne spiega il motivo)
channel-street = Strada
channel-itinerant_unit = Unità mobile
channel-desk = Sportello
channel-listening_centre = Centro d'ascolto
channel-phone = Telefono
channel-via_partner = Tramite partner
sector-agriculture = Agricoltura
sector-logistics = Logistica
sector-construction = Edilizia
sector-hospitality = Turismo e ristorazione
sector-domestic = Lavoro domestico
sector-manufacturing = Manifattura
sector-other = Altro
indicator-abuse_of_vulnerability = Abuso di vulnerabilità
indicator-deception = Inganno
indicator-restriction_of_movement = Limitazione della libertà di movimento
indicator-isolation = Isolamento
indicator-physical_sexual_violence = Violenza fisica o sessuale
indicator-intimidation_threats = Intimidazioni e minacce
indicator-retention_of_documents = Trattenimento dei documenti
indicator-withholding_of_wages = Trattenimento del salario
indicator-debt_bondage = Servitù per debiti
indicator-abusive_conditions = Condizioni di lavoro e di vita abusive
indicator-excessive_overtime = Straordinario eccessivo
material-info_leaflet = Volantino informativo
material-food_kit = Kit alimentare
material-water = Acqua
material-hygiene_kit = Kit igiene
material-clothing = Vestiti
material-protective_equipment = Dispositivi di protezione
material-health_kit = Kit sanitario
material-other = Altro
consent-not_asked = non chiesto
consent-given = dato
consent-refused = rifiutato
consent-withdrawn = ritirato
gender-unknown = Non indicato
gender-woman = Donna
gender-man = Uomo
gender-non_binary = Non binario
documents-unknown = Non indicato
documents-none = Nessun documento
documents-identity = Documento d'identità
documents-permit = Permesso di soggiorno
documents-expired = Scaduto
documents-withheld = Trattenuti dal datore di lavoro
referral_status-proposed = proposto
referral_status-sent = inviato
referral_status-accepted = accettato
referral_status-declined = rifiutato dal servizio
referral_status-attended = presentato
referral_status-not_attended = non presentato
referral_status-closed = chiuso
referral_action-proposed = Proponi
referral_action-sent = Segna inviato
referral_action-accepted = Accettato
referral_action-declined = Rifiutato
referral_action-attended = Si è presentato
referral_action-not_attended = Non si è presentato
referral_action-closed = Chiudi con esito
outcome_required = Scrivi l'esito prima di chiudere l'invio (per esempio «non più necessario»): chiuso, non si può più aggiungere.

## The central workspace
ws_persons = Persone
ws_contacts = Contatti
ws_referrals = Invii
ws_search = Cerca un nome o alias (in ogni alfabeto)
ws_from = Dal
ws_to = Al
ws_any = Tutti
# The team filter's "any": équipe is feminine.
ws_any_team = Tutte
ws_need = Bisogno
ws_channel = Canale
ws_sector = Settore
ws_indicator = Indicatore
ws_indicators = Indicatori
ws_consent = Consenso
ws_status = Stato
ws_partner = Servizio o ente
ws_sort = Ordina per
ws_sort-relevance = Pertinenza (poi ultimo contatto)
ws_sort-recent = Ultimo contatto
ws_sort-name = Nome
ws_sort-newest = Più recenti
ws_sort-oldest = Meno recenti
ws_sort-waiting = In attesa da più tempo
ws_apply = Filtra
ws_clear = Azzera i filtri
admin_title = Gestione
admin_back = ← Archivio centrale
admin_hint = Scambio dei dati nel formato del PUA, dispositivi che hanno fatto l'accesso e account.
ws_more_filters = Altri filtri
ws_fewer_filters = Meno filtri
ws_narrowed_by = filtrati per:
ws_narrow_name = Nome
ws_clear_inline = togli i filtri
ws_csv = Scarica CSV
ws_csv_hint = Il CSV ha solo colonne pseudonime (nessun nome, alias o telefono: le persone per identificativo) e i codici del formato di scambio.
csv_excel = Per Excel in italiano (separatore ;)
ws_total =
    { $n ->
        [one] { $n } risultato
       *[other] { $n } risultati
    }
ws_more = Mostra altri
ws_select_hint = Scegli una riga per aprirne la scheda.
ws_record = Scheda aperta
ws_close = Chiudi
ws_no_results = Nessun risultato con questi filtri.
ws_col_name = Nome
ws_col_last = Ultimo contatto
ws_col_created = Creato
ws_group =
    { $n ->
        [one] Gruppo di { $n } persona
       *[other] Gruppo di { $n } persone
    }
ws_group_label = Gruppo (donne · uomini · minori)
ws_author = Registrato da
ws_aliases = Alias
ws_birth_year = Anno di nascita
ws_estimated = (stimato)
person_in_review = Due dispositivi hanno scritto valori diversi, in revisione in centrale: { $fields }.
person_in_review_mine = Scritto su questo dispositivo, { $field }: { $value }
person_merged_elsewhere = L'ufficio centrale l'ha unita alla scheda della stessa persona in un'altra équipe: i contatti registrati qui contano per quella persona.
pick_merged_elsewhere = unita a una scheda di un'altra équipe
born_in = anno di nascita { $year }
ws_gender = Genere
ws_country = Paese di origine
ws_languages = Lingue
ws_phone = Telefono
ws_documents = Documenti
ws_usual_place = Dove si trova di solito
ws_partners = Enti a cui può essere segnalata
ws_places = Luoghi degli incontri
ws_timeline = Cronologia
ws_no_places = Nessun luogo registrato.
ws_map_label = Luoghi degli incontri su una mappa schematica, senza sfondo
ws_contact_kind = Contatto
ws_referral_kind = Invio
ws_case_kind = Caso
ws_workplace = Luogo di lavoro
ws_materials = Materiali consegnati
ws_language = Lingua del colloquio
ws_outcome = Esito
ws_conflict = Due passaggi di stato fatti senza rete attendono una scelta.
ws_history = Storia dell'invio
ws_open_contact = Apri il contatto
ws_open_person = Apri la persona
ws_recorded_as = { $name } (registrato come «{ $alias }»)
ws_review = Da rivedere
ws_conflict_open = Apri la scheda
ws_review_intro = Qui ci sono i dati che due dispositivi hanno scritto in modo diverso, senza vedere l'uno il valore dell'altro (senza rete, o nello stesso momento): per ogni dato scegli il valore giusto. La scelta arriva ai telefoni con la prossima sincronizzazione.
ws_review_hint = Apri una scheda per leggerla qui per intero.
ws_review_empty = Niente da rivedere: nessun dato è stato scritto in due modi diversi.
ws_review_failed = La scelta non è stata salvata: forse qualcuno l'ha già fatta. L'elenco è aggiornato.
ws_keep = Tieni questo
ws_conflict_shown = mostrato ora
ws_keep_label = Tieni questo: «{ $value }»
ws_review_kept = Scelta salvata: { $value }. Il dato non è più da rivedere.
ws_conflict_case = { $person } · aperto il { $day }
ws_conflict_case_day = aperto il { $day }
ws_unknown_writer = autore sconosciuto
ws_writer_merge = ufficio centrale (unione o separazione di schede)
ws_writer_review = ufficio centrale (scelta in «Da rivedere»)
ws_writer_import = ufficio centrale (importazione)
ws_field-birth_year = Anno di nascita
ws_field-gender = Genere
ws_field-country = Paese di origine
ws_field-documents = Documenti
ws_field-phone = Telefono
ws_field-sector = Settore
ws_field-person = Persona incontrata
ws_field-person_id = Scheda della persona
ws_field-indicators = Nota sull'indicatore
ws_field-outcome = Esito
ws_field-case_manager = Referente del caso
ws_field-labour_expert = Esperto/a del lavoro del caso
ws_field-closed_at = Data di chiusura
ws_field-eligibility = Ammissibilità
ws_field-assessment = Valutazione dello sfruttamento
ws_field-interventions = Intervento del PIP
ws_assessment_date = Data della valutazione
xf_title = Importa ed esporta (formato di scambio del PUA)
xf_intro = Un file JSON Lines con équipe, persone, contatti, invii, casi e offerte di lavoro. L'importazione è tutto o niente: una riga non valida non salva nulla. Lo stesso file importato due volte non cambia nulla.
xf_export = Esporta tutto il PUA
xf_exported =
    { $n ->
        [one] Esportato: { $n } record in { $file } (nei download del browser).
       *[other] Esportati: { $n } record in { $file } (nei download del browser).
    }
xf_file = File da importare (.jsonl)
xf_check = Verifica senza salvare
xf_import = Importa
xf_checked_ok = File valido: nulla è stato salvato.
xf_imported = Importazione completata.
xf_created = Nuovi:
xf_updated = aggiornati:
xf_unchanged = invariati:
xf_kind-team = équipe
xf_kind-person = persone
xf_kind-contact = contatti
xf_kind-referral = invii
xf_kind-case = casi
xf_kind-job_offer = offerte di lavoro
xf_none = nessuno
xf_no_file = Scegli prima un file da verificare o importare.
xf_empty = Il file è vuoto: non c'è nulla da importare.
xf_withdrawals =
    { $n ->
        [one] Attenzione: { $n } persona ritira il consenso. I suoi dati identificativi, e i suoi nomi nei contatti e negli invii, saranno cancellati per sempre.
       *[other] Attenzione: { $n } persone ritirano il consenso. I loro dati identificativi, e i loro nomi nei contatti e negli invii, saranno cancellati per sempre.
    }
xf_notices =
    { $n ->
        [one] { $n } riga presa senza una parte di ciò che contiene (consenso non dato)
       *[other] { $n } righe prese senza una parte di ciò che contengono (consenso non dato)
    }
xf_too_many_records = Il file contiene più di 50.000 record: dividilo in più file (importare di nuovo non cambia nulla, e una riga può indicare record già salvati).
xf_import_running = È in corso un'altra importazione: riprova quando è finita.
xf_groups_title = Gli errori per campo e motivo
xf_group_lines =
    { $n ->
        [one] { $n } riga
       *[other] { $n } righe
    }
xf_all_lines =
    { $n ->
        [one] La riga non valida
       *[other] Tutte le { $n } righe non valide
    }
xf_line = Riga
xf_invalid =
    { $n ->
        [one] { $n } riga non valida: nulla è stato salvato.
       *[other] { $n } righe non valide: nulla è stato salvato.
    }

# The reasons an import gives for an invalid line (strada_shared::import_reasons).
xf_reason-missing = manca
xf_reason-missing_with_outcome = manca (è richiesto con `outcome`)
xf_reason-missing_with_closed = manca (è richiesto con `closed_at`)
xf_reason-missing_when_done = manca (è richiesto quando lo stato è `done`)
xf_reason-missing_unless_pending = manca (è richiesto se la decisione non è `pending`)
xf_reason-missing_people = manca (un contatto di gruppo conta le sue persone)
xf_reason-missing_person = manca (un contatto con una persona la indica)
xf_reason-blank = contiene solo spazi
xf_reason-empty = non può essere vuoto
xf_reason-not_string = deve essere un testo
xf_reason-not_object = deve essere un oggetto
xf_reason-not_list = deve essere una lista
xf_reason-not_number = deve essere un numero
xf_reason-not_bool = deve essere true o false
xf_reason-whole_number = deve essere un numero intero da { $min } a { $max }
xf_reason-number_range = deve essere un numero da -{ $limit } a { $limit }
xf_reason-too_long = più lungo di { $max } caratteri
xf_reason-too_many = contiene più di { $max } elementi
xf_reason-too_many_languages = contiene più di { $max } lingue
xf_reason-too_many_aliases = contiene più di { $max } alias
xf_reason-listed_twice = elencato due volte
xf_reason-given_twice = indicato due volte
xf_reason-key_twice = una chiave è indicata due volte
xf_reason-hidden_characters = contiene un carattere di controllo o un segno che cambia il verso del testo, oppure non mostra nulla
xf_reason-unknown_field = campo sconosciuto
xf_reason-unknown_code = non è un codice previsto
xf_reason-unknown_code_of = non è un codice previsto (uno di: { $codes })
xf_reason-unknown_type = non è un tipo di record previsto
xf_reason-not_language = non è un codice di lingua ISO 639-1
xf_reason-not_country = non è un codice di paese ISO 3166-1 alpha-2
xf_reason-not_date = non è una data AAAA-MM-GG (dal 2000 al 2100)
xf_reason-not_time = non è un orario RFC 3339 con fuso orario
xf_reason-not_json = non è JSON valido
xf_reason-not_json_object = non è un oggetto JSON
xf_reason-not_utf8 = non è testo UTF-8
xf_reason-file_too_large = il file supera { $max } byte
xf_reason-before_2020 = è prima del 2020
xf_reason-before_from = è prima di `from`
xf_reason-future = è nel futuro
xf_reason-consent_future = un consenso non può essere registrato nel futuro
xf_reason-service_id = non è un identificativo di servizio della rubrica (da 1 a 64 lettere, cifre, '-', '_', '.' o ':')
xf_reason-service_or_partner = un invio indica `service` (un servizio della rubrica) o `partner` (un ente)
xf_reason-need_required = deve elencare almeno un bisogno
xf_reason-group_parts = donne e uomini insieme sono più delle persone del gruppo
xf_reason-more_than_people = sono più delle persone del gruppo
xf_reason-only_when_done = si indica solo quando lo stato è `done`
xf_reason-only_person = si indica solo quando `who` è `person`
xf_reason-only_group = si indica solo quando `who` è `group`
xf_reason-lifecycle_plain = non segue il percorso di un invio
xf_reason-lifecycle = non segue il percorso di un invio: da «{ $from }» non si passa a «{ $to }»
xf_reason-referral_start = la storia di un invio comincia con lo stato «proposto» (proposed)
xf_reason-before_proposed = più di un giorno prima della proposta dell'invio
xf_reason-referral_moves_fixed = i passaggi registrati di un invio non si possono cambiare né togliere
xf_reason-referral_conflict = l'invio attende una scelta tra passaggi fatti in contemporanea: scegli prima nell'app
xf_reason-referral_person_fixed = la persona di un invio non può cambiare
xf_reason-referral_need_fixed = il bisogno di un invio non può cambiare
xf_reason-referral_contact_fixed = il contatto di un invio non può cambiare
xf_reason-proposed_at_fixed = la data di proposta di un invio non può cambiare
xf_reason-contact_person_fixed = la persona di un contatto non può cambiare
xf_reason-case_person_fixed = la persona di un caso non può cambiare
xf_reason-reviews_kept = le verifiche registrate di un caso non si possono togliere
xf_reason-reviews_fixed = le verifiche registrate di un caso non si possono cambiare né togliere
xf_reason-team_move = un record non può passare a un'altra équipe
xf_reason-author_fixed = l'autore di un record non può cambiare
xf_reason-other_type = indica un record di un altro tipo
xf_reason-names_nothing = indica un record ({ $kind }) che non è né nel file né nell'archivio
xf_reason-other_team = indica un record ({ $kind }) di un'altra équipe
xf_reason-same_id = lo stesso identificativo ({ $kind }) è già alla riga { $line }
xf_reason-no_slug = nessun codice libero per l'équipe di questo identificativo esterno
xf_reason-without_consent = una persona senza consenso non conserva dati identificativi
xf_reason-alias_required = una persona con consenso ha almeno un alias
xf_reason-contact_without_consent = un contatto registrato senza il consenso della persona non può indicarla
xf_reason-anonymous_without_consent = conservato anonimo, senza legame con la persona: la persona non ha dato il consenso
xf_reason-not_kept_without_consent = non conservato, con ogni dato identificativo della riga: la persona non ha dato il consenso
xf_reason-case_without_consent = indica una persona che non ha dato il consenso: un caso si apre solo con il consenso della persona
xf_reason-case_after_withdrawal = posteriore al ritiro del consenso della persona: un caso si apre solo con il consenso della persona
xf_reason-dated_before_opening = anteriore all'apertura del caso
xf_reason-consent_only_withdrawn = un consenso dato può solo essere ritirato (scrivi withdrawn): i record fatti con esso restano collegati
xf_reason-withdrawal_final = il ritiro del consenso è definitivo: registra la persona di nuovo, come nuova persona
xf_reason-changed_meanwhile = il record salvato è cambiato nel frattempo: importa di nuovo il file
xf_reason-unreadable = il record salvato non si legge
xf_reason-set_aside = il record salvato non si legge (è stato messo da parte): importalo di nuovo più tardi
xf_reason-not_writable = il record non si può scrivere come documento
# A record type, one of it (in an import's reasons).
xf_one-team = équipe
xf_one-person = persona
xf_one-contact = contatto
xf_one-referral = invio
xf_one-case = caso
xf_one-job_offer = offerta di lavoro

## Duplicates and merges (the workspace)
ws_duplicates = Doppioni
dup_intro = Coppie di schede che potrebbero essere la stessa persona, le più probabili prima. Scegli una coppia per confrontare le due schede.
dup_empty = Nessun possibile doppione da rivedere.
dup_pairs = Possibili doppioni
dup_col_first = Prima scheda
dup_col_second = Seconda scheda
dup_col_score = Probabilità
dup_col_reasons = Indizi
dup_score = { $pct }%
dup_born = nascita { $year }
dup_contacts =
    { $n ->
        [one] { $n } contatto
       *[other] { $n } contatti
    }
dup_for = A favore
dup_against = Contro
dup_reason_same_phone = stesso telefono
dup_reason_alias_same = { $a } = { $b }
dup_reason_alias_transliteration = { $a } ≈ { $b } (altro alfabeto)
dup_reason_alias_spelling = { $a } ≈ { $b } (altra grafia)
dup_reason_alias_phonetic = { $a } ≈ { $b } (suono simile)
dup_reason_alias_partial = { $a } ~ { $b } (solo una parte del nome)
dup_reason_same_year = nati entrambi nel { $a }
dup_reason_birth_year = nati nel { $a } / { $b }
dup_reason_same_gender_woman = entrambe donne
dup_reason_same_gender_man = entrambi uomini
dup_reason_same_gender_non_binary = entrambe persone non binarie
dup_reason_same_gender_unknown = stesso genere
dup_reason_same_country = stesso paese di origine: { $country }
dup_reason_shared_languages = parlano entrambi { $languages }
dup_reason_met_same_day = incontrati a { $distance } lo stesso giorno
dup_reason_met_days =
    { $n ->
        [one] incontrati a { $distance } a { $n } giorno di distanza
       *[other] incontrati a { $distance } a { $n } giorni di distanza
    }
dup_reason_same_usual_place = stesso luogo abituale: { $place }
dup_reason_similar_phone = telefoni quasi uguali: una sola cifra diversa
dup_reason_different_phone = telefoni diversi
dup_reason_different_birth_year = nati nel { $a } / { $b }: troppo distanti
dup_reason_different_gender = genere diverso: { $a } / { $b }
dup_reason_different_country = paesi diversi: { $a } / { $b }
dup_reason_different_usual_place = luoghi abituali diversi: { $a } / { $b }
dup_reason_other = altri indizi
dup_review = Sono la stessa persona?
dup_compare = Le due schede a confronto
dup_field = Campo
dup_survivor = Resta questa scheda
dup_contacts_count = Contatti registrati
dup_latest_contacts = Ultimi contatti
dup_keep_title = Valori da tenere dove le schede differiscono
dup_keep_none = Le schede non differiscono nei campi da scegliere: alias e lingue si tengono da entrambe.
dup_keep_from = { $value } · da { $name }
dup_reason = Motivo (obbligatorio per unire, facoltativo per «Non è la stessa persona»)
dup_reason_hint = Resta nella storia della persona: scrivi cosa ti fa dire che è, o non è, la stessa persona.
dup_merge = Unisci
dup_merge_confirm = «{ $merged }» sarà unita a «{ $survivor }»: i suoi contatti, invii e percorsi conteranno sotto quest'ultima. Si può annullare con «Separa» dalla pagina della persona.
dup_merge_yes = Conferma: unisci
dup_not_same = Non è la stessa persona
dup_skip = Salta
dup_not_same_confirm = Queste due schede non verranno più proposte come la stessa persona. Si può annullare dalla pagina di ciascuna delle due persone o dall'elenco «Coppie giudicate persone diverse», in fondo a questa pagina.
dup_not_same_yes = Conferma: persone diverse
dup_not_same_cancel = Annulla
ws_not_same_title = Giudicate persone diverse
ws_not_same_item = Non è la stessa persona di { $name }
ws_not_same_meta = Giudizio del { $when } di { $by }
ws_not_same_undo = Annulla il giudizio
ws_not_same_undone = Giudizio annullato: la coppia potrà essere proposta di nuovo tra i doppioni.
ws_not_same_failed = Il giudizio non è stato annullato: forse lo ha già fatto qualcuno. La scheda è aggiornata.
dup_merged_ok = «{ $merged }» è unita a «{ $survivor }»: i contatti e gli invii di entrambe contano ora sotto quest'ultima.
dup_open_merged = Apri la persona unita
dup_not_same_ok = Segnate come persone diverse: la coppia non verrà più proposta (si annulla dalla pagina della persona o dall'elenco in fondo).
dup_judged_title = Coppie giudicate persone diverse
dup_judged_hint = Le coppie segnate «Non è la stessa persona», le più recenti prima: non vengono più proposte. Un giudizio sbagliato si annulla qui.
dup_judged_empty = Nessuna coppia è stata giudicata persone diverse.
dup_judged_more = Sono elencate le { $n } più recenti.
dup_narrows = Le due schede hanno un consenso diverso: la persona unita lo avrà solo verso gli enti indicati da entrambe ({ $partners }).
dup_narrows_none = nessuno
dup_cases_both = Entrambe le schede hanno una presa in carico aperta: dopo l'unione la persona ne avrà due. Chiudi quella che non serve dalla pagina del caso.
dup_cases_one = { $name } ha una presa in carico aperta: dopo l'unione resterà alla persona unita.
dup_err_already_merged = Nel frattempo una delle due schede è stata unita (a quest'altra o a un'altra persona) da un'altra postazione: l'elenco è aggiornato.
dup_err_judged_meanwhile = Nel frattempo queste due schede sono state giudicate persone diverse: non sono state unite, l'elenco è aggiornato.
dup_err_invalid = L'unione non è valida: servono un motivo e due schede diverse.
dup_err_already_unmerged = Questa unione era già stata annullata: la scheda è aggiornata.
dup_err_survivor_merged_since = La persona in cui questa scheda era stata unita è stata poi unita a un'altra: annulla prima quell'unione (le unioni si annullano dall'ultima).
dup_withdraws = Una delle due schede non ha il consenso: unendole, la scheda che resta perde il consenso e tutti i suoi dati identificativi (alias, telefono, luogo…) vengono cancellati per sempre. Separarle dopo non li riporta.
dup_withdraws_ok = Ho capito: unisci e cancella i dati identificativi
dup_err_withdraws = Questa unione cancellerebbe i dati identificativi: conferma spuntando la casella.
dup_err_judged = Schede di queste due persone sono state giudicate persone diverse: per unirle, annulla prima quel giudizio dalla pagina della persona o dall'elenco «Coppie giudicate persone diverse».
dup_err_generic = L'operazione non è riuscita: riprova più tardi.
ws_merged_into = Questa scheda è stata unita a
ws_merged_into_other = un'altra scheda
ws_merged_into_then = , a sua volta unita a
ws_merged_persons = Persone unite
ws_merges = Storia delle unioni
ws_merge_title = Unione del { $when }
ws_merge_by = Fatta da
ws_merge_persons = Schede
ws_reason_erased = (cancellato con il ritiro del consenso)
ws_merge_reason = Motivo
ws_merge_kept = Valori tenuti
ws_merge_consent = Consenso dopo l'unione
ws_merge_undone = Annullata il { $when } da { $by }: { $reason }
ws_unmerge = Separa
ws_unmerge_reason = Motivo della separazione (obbligatorio)
ws_unmerge_confirm = Conferma la separazione
ws_unmerge_not_same = Segna anche come persone diverse: la coppia non verrà più proposta
ws_unmerge_cancel = Annulla
ws_merge_field-birth_year = Anno di nascita
ws_merge_field-gender = Genere
ws_merge_field-country = Paese di origine
ws_merge_field-phone = Telefono
ws_merge_field-documents = Documenti
ws_merge_field-usual_place = Dove si trova di solito
ws_kept-survivor = dalla scheda rimasta
ws_kept-merged = dalla scheda unita

## What a central device keeps offline (issue 11 §1)
scope_title = Offline su questo dispositivo
scope_help = L'area di lavoro legge i registri dal server: questo dispositivo non scarica i documenti di tutte le équipe. Per lavorare senza rete (unità mobile) scegli le équipe da tenere qui; le persone si aggiungono dalla loro scheda. Quello che scrivi tu resta sempre sul dispositivo.
scope_team = Équipe { $team }
scope_persons =
    { $n ->
        [one] { $n } persona tenuta offline.
       *[other] { $n } persone tenute offline.
    }
scope_unread =
    { $n ->
        [one] Senza rete la scelta non si legge né si cambia: questo dispositivo tiene ciò che era scelto all'ultima connessione ({ $n } persona, con i suoi contatti, in «Registrazione contatti»).
       *[other] Senza rete la scelta non si legge né si cambia: questo dispositivo tiene ciò che era scelto all'ultima connessione ({ $n } persone, con i loro contatti, in «Registrazione contatti»).
    }
scope_no_persons = Nessuna persona tenuta offline.
scope_person_remove = Togli
scope_person_not_here = (non ancora su questo dispositivo)
scope_clear_persons = Togli tutte le persone
scope_save = Salva e sincronizza
scope_saved = Salvato: il dispositivo si sincronizza di nuovo e, a sincronizzazione completata, tiene solo ciò che hai scelto (fino ad allora non toglie nulla).
scope_failed = La scelta non è stata salvata. Riprova quando sei in linea.
scope_keep_person = Tieni offline su questo dispositivo
scope_drop_person = Non tenere più offline
ws_consent_on_merged = sulla scheda unita { $name }
ws_consent_history = Storia del consenso
# Case work (issue 12): cases, the PIP, job offers, the PUA's rules.
case_access = Condizioni di accesso
case_add_intervention = Aggiungi intervento
case_add_review = Registra la verifica
case_assessment = Valutazione dello sfruttamento
case_closed = Chiuso
case_closed_at = Data di chiusura
case_closure = Chiusura del caso
case_decision = Decisione
case_decision_date = Data della decisione
case_done_at = Svolto il
case_eligibility = Ammissibilità
case_evidence = Elementi
case_intake = Presa in carico e primo colloquio
case_judgement = Giudizio complessivo
case_labour_expert = Esperto/a del lavoro
case_language = Lingua del colloquio
case_manager = Referente del caso
case_matches = Offerte di lavoro compatibili
case_mediator = Con mediatore/mediatrice
case_meeting_date = Data del primo colloquio
case_meeting_mode = Modalità del primo colloquio
case_mine = Solo i miei casi
case_no_contact = Nessun contatto da 90 giorni
case_no_matches = Nessuna offerta compatibile per ora.
case_none = Nessun caso.
case_note = Nota
case_jump = Sezioni del caso
case_pip_note = Nota dell'intervento (es. perché annullato)
case_offline = Senza rete: si modifica la copia sul dispositivo; contatti, invii e offerte compaiono con la rete.
case_list_offline = Senza rete: i casi tenuti su questo dispositivo. L'assenza di contatti da 90 giorni si vede con la rete.
case_open = Aperto
case_open_new = Apri un caso (presa in carico)
case_opened_at = Presa in carico il
case_outcome = Esito
case_overdue = Verifica scaduta
case_pip = PIP
case_stage-intake = Presa in carico
case_stage-assessed = Valutato
case_stage-eligible = Ammissibile
case_stage-not_eligible = Non ammissibile
case_stage-pip = PIP in corso
case_stage-closed = Chiuso
case_late_interventions = Interventi in ritardo: { $n }
case_pick_from_directory = Oppure scegli un servizio dal repertorio
case_pick_from_last_contact = Distanze dal luogo dell'ultimo contatto con la persona
case_person_not_held = Persona non tenuta su questo dispositivo
case_pip_title = Piano di intervento personalizzato (PIP)
case_plan_languages = Lingue
case_planned_at = Previsto il
case_positions =
    { $n ->
        [one] { $n } posto
       *[other] { $n } posti
    }
case_reason_distance = a { $km } km
case_reason_languages = lingue in comune: { $languages }
case_reason_season = in stagione
case_reason_sector = stesso settore ({ $sector })
case_reason_soon =
    { $n ->
        [one] inizia tra { $n } giorno
       *[other] inizia tra { $n } giorni
    }
case_reasons = Motivazioni
case_review_date = Data della verifica
case_review_due = Prossima verifica
case_reviews = Verifiche del PIP
case_rules_version = regole del PUA, versione
case_save = Salva
case_save_closure = Chiudi il caso
case_saved = Salvato sul dispositivo: si sincronizza subito, o appena torna la rete.
case_saved_over = Non salvato: un'altra postazione ha salvato qui valori diversi dopo che hai aperto il caso. Premi «Aggiorna» per vederli, oppure salva di nuovo per sostituirli con i tuoi.
case_date_ahead = Non salvato: una data di ciò che è già avvenuto (colloquio, valutazione, decisione, intervento svolto, verifica, chiusura) non può essere nel futuro.
case_date_before_opening = Non salvato: una verifica, un intervento svolto o la chiusura non possono essere datati prima della presa in carico.
case_changed_elsewhere = Questo caso è stato modificato da un'altra postazione: aggiorna per vederlo (ciò che non hai salvato andrà perso).
case_reload = Aggiorna
case_sent_elsewhere = Questo intervento è già stato inviato al partner da un'altra postazione: nessun secondo invio.
case_under_review = Da rivedere (due postazioni hanno scritto valori diversi; si sceglie in «Da rivedere»): { $fields }.
case_read_only = Sola lettura: il tuo ruolo consulta i casi ma non li modifica; ciò che scrivi qui non viene salvato.
case_plan_only = Il tuo ruolo modifica solo il piano di reinserimento lavorativo; il resto del caso è in sola lettura.
case_score = punteggio { $score }
case_send = Invia al partner
case_send_needs_contact = Serve almeno un contatto della persona
case_sent = Inviato
case_skills = Competenze
case_strength = Intensità
case_title_many = Casi
case_training = Formazione
case_work_plan = Piano di reinserimento lavorativo
decision-pending = In attesa
decision-eligible = Ammissibile
decision-not_eligible = Non ammissibile
intervention_status-planned = Previsto
intervention_status-in_progress = In corso
intervention_status-done = Svolto
intervention_status-cancelled = Annullato
outcome-emerged = Emersione
outcome-partly_emerged = Emersione parziale
outcome-not_emerged = Nessuna emersione
outcome-dropped_out = Abbandono
outcome-transferred = Trasferito ad altro servizio
strength-strong = Forte
strength-medium = Medio
strength-weak = Debole
job_add = Registra l'offerta
job_area = Zona
job_employer = Datore di lavoro
job_languages = Lingue richieste
job_languages_col = Lingue
job_lat = Latitudine
job_lon = Longitudine
job_positions = Posti
job_season = Stagione
job_title = Offerte di lavoro
rules_criteria = Criteri di ammissibilità
rules_hint = Una voce per riga: codice | etichetta | spiegazione. Pubblicare crea una nuova versione; i casi valutati restano sulla loro.
rules_in_force = Regole in vigore: versione { $version }
rules_newer = Un'altra postazione ha pubblicato la versione { $version }: aggiorna per vederla (ciò che non hai pubblicato andrà perso).
rules_read_only = Le regole si leggono qui; le pubblicano l'ufficio centrale e la direzione.
rules_superseded = Nel frattempo un'altra postazione ha pubblicato la versione { $version }: le tue modifiche non sono state pubblicate. Aggiorna per vederla, poi riapplicale.
rules_interval = Verifica del PIP ogni (giorni)
rules_line_problem = Non pubblicato: «{ $list }», riga { $line }: { $problem }.
rules_bad_code = il codice va scritto con lettere minuscole, cifre e _ (al massimo 40), prima di «|»
rules_code_twice = lo stesso codice è già in una riga sopra
rules_no_label = manca l'etichetta: scrivi «codice | etichetta | spiegazione»
rules_too_long = l'etichetta supera i 120 caratteri o la spiegazione i 2000
rules_too_many = l'elenco supera le 60 voci
rules_bad_interval = Non pubblicato: la verifica del PIP va fissata tra 7 e 365 giorni.
rules_publish = Pubblica una nuova versione
rules_title = Regole del PUA
case_flags = Segnalazioni
case_actions = Azioni
scope_cases = Tieni offline anche il lavoro sui casi: i casi di queste équipe e persone e quelli che segui, le offerte di lavoro e le regole del PUA

## dashboard and quarterly report (rp_)
rp_dashboard_tab = Cruscotto
rp_report_tab = Rapporto trimestrale
rp_whole_pua = Tutto il PUA
rp_show = Mostra
rp_quick = Scelte rapide del periodo
rp_this_quarter = Questo trimestre
rp_last_quarter = Trimestre scorso
rp_this_year = Quest'anno
rp_last_12_months = Ultimi 12 mesi
rp_invalid_period = Il periodo non è valido: servono due date, la prima non dopo la seconda.
rp_from_to = Dal { $from } al { $to }
rp_compared_with = confronto con il periodo dal { $from } al { $to }
rp_before = Prima:
rp_days = { $value } gg
rp_points = { $value } punti
rp_unknown = Non indicato
rp_month_names = gen feb mar apr mag giu lug ago set ott nov dic
rp_show_table = Tabella dei dati
rp_headline_title = Cifre principali
rp_fig_contacts = Contatti
rp_fig_people_reached = Persone raggiunte
rp_fig_new_persons = Persone nuove
rp_fig_referrals = Invii
rp_fig_acceptance = Invii accettati
rp_fig_median_days = Giorni per la risposta (mediana)
rp_fig_waiting = Invii senza risposta da 8 giorni o più
rp_fig_cases_opened = Casi presi in carico
rp_fig_eligible = Casi ammissibili
rp_fig_active = Casi aperti a fine periodo
rp_fig_success = Tasso di successo (emersione)
rp_fig_pip = Interventi del PIP svolti
rp_seasonal_title = Contatti per mese e settore
rp_seasonal_label = Grafico a barre: contatti per mese, divisi per settore di lavoro
rp_seasonal_hint = Ogni barra è un mese; i settori hanno colori e trame diversi. I picchi stagionali (raccolti, logistica di fine anno) si vedono dall'altezza delle barre.
rp_area_title = Contatti sul territorio
rp_area_label = Mappa schematica del territorio: contatti per cella della griglia, con alcune città di riferimento
rp_area_hint = Contatti contati per cella della griglia, mai un punto per persona. Più scura la cella, più contatti.
rp_area_legend = Contatti per cella
rp_area_label_need = Mappa schematica del territorio: contatti con il bisogno «{ $need }» per cella della griglia, con alcune città di riferimento
rp_area_legend_need = { $need }: contatti per cella
rp_map_show = Sulla mappa
rp_map_all = Tutti i contatti
rp_contacts_n =
    { $n ->
        [one] { $n } contatto
       *[other] { $n } contatti
    }
rp_without_place =
    { $n ->
        [one] { $n } contatto registrato senza luogo.
       *[other] { $n } contatti registrati senza luogo.
    }
rp_col_near = Vicino a
rp_col_cell = Cella (gradi)
rp_col_main_needs = Bisogni principali
rp_network_title = Invii per ente: dalla proposta alla presentazione
rp_funnel_label = Grafico a barre: invii per ente, proposti, inviati, con risposta e con presentazione
rp_funnel_label_top =
    { $n ->
        [one] Grafico a barre: invii dell'ente con più invii, proposti, inviati, con risposta e con presentazione
       *[other] Grafico a barre: invii dei { $n } enti con più invii, proposti, inviati, con risposta e con presentazione
    }
rp_stage_proposed = Proposti
rp_stage_sent = Inviati
rp_stage_answered = Con risposta
rp_stage_attended = Presentati
rp_col_organisation = Ente
rp_col_accepted = Accettati
rp_col_declined = Rifiutati
rp_workload_title = Carico di lavoro per persona
rp_workload_caption = Contatti, invii e casi seguiti da ciascun operatore
rp_col_user = Utente
rp_col_cases = Casi
rp_teams_title = Contatti per équipe
rp_monitoring_title = Monitoraggio dei casi
rp_mon_open = Casi aperti al { $date }
rp_mon_overdue = Con verifica del PIP scaduta
rp_mon_no_contact = Senza contatti da 90 giorni
rp_pip_title = Casi aperti per quota del PIP svolta
rp_col_pip_done = PIP svolto
rp_pip_none = Nessun intervento previsto
rp_col_period = Periodo
rp_col_before = Periodo precedente
rp_col_month = Mese
rp_col_total = Totale
rp_col_figure = Indicatore
rp_col_change = Variazione
rp_comparison_caption = Le cifre del trimestre e del trimestre precedente
rp_downloads = Scarica i dati (CSV)
rp_downloads_hint = Ogni tabella del periodo in un file CSV, con il periodo precedente dove serve.
rp_anonymous = Esportazione anonima (CSV)
rp_anonymous_hint = Conteggi di persone da condividere fuori dal PUA: ogni cifra che riguarda meno di 11 persone è nascosta.
rp_anonymous_later = L'esportazione anonima di un trimestre si pubblica a trimestre concluso, e resta la stessa: due esportazioni del trimestre in corso rivelerebbero per differenza i numeri piccoli che nasconde.
rp_quarter = Trimestre
rp_quarter_name = { $q }º trimestre { $year }
rp_print = Stampa
rp_download = Scarica il rapporto (HTML)
rp_report_title = Rapporto trimestrale
rp_doc_kicker = PUA — Punto Unico di Accesso · Programma INLAV Lombardia
rp_generated = Prodotto il { $date } dal registro del PUA.
rp_provisional = Trimestre in corso: i dati arrivano al { $date }, e il confronto è con gli stessi giorni del trimestre prima.
rp_same_days_of = { $quarter }, stessi giorni
rp_sec_summary = Sintesi e confronto con il trimestre precedente
rp_definitions = Persone raggiunte: le persone distinte nominate nei contatti del periodo, più i contatti anonimi e le persone dei gruppi (un gruppo di cinque conta cinque). Invii accettati: tra gli invii del periodo con una risposta, la quota accettata. Tasso di successo: tra i casi chiusi nel periodo, la quota con esito «emersione». Interventi del PIP svolti: tra gli interventi previsti nel periodo e non annullati, la quota svolta entro la fine del periodo.
rp_sec_volume = Volume dei servizi e dei casi
rp_channels_title = Contatti per canale di accesso
rp_needs_title = Bisogni rilevati nei contatti
rp_referral_needs_title = Invii per bisogno
rp_indicators_title = Indicatori di sfruttamento (ILO) rilevati
rp_cases_title = Casi e tasso di successo
rp_outcomes_title = Casi chiusi per esito
rp_sec_resources = Risorse rispetto al volume: carico di lavoro
rp_resources_field =
    { $n ->
        [one] { $n } persona ha registrato contatti: in media { $per } contatti a testa.
       *[other] { $n } persone hanno registrato contatti: in media { $per } contatti a testa.
    }
rp_resources_cases =
    { $n ->
        [one] { $n } persona segue casi: in media { $per } casi a testa.
       *[other] { $n } persone seguono casi: in media { $per } casi a testa.
    }
rp_sec_network = Il lavoro con la rete
rp_sec_area = Il territorio
rp_sec_monitoring = Monitoraggio dei casi (in aggregato)
rp_sec_notes = Osservazioni di contesto della direzione
rp_notes_label = Osservazioni sul contesto del trimestre (stagioni, cambiamenti sul territorio, note del CCC)
rp_notes_save = Salva le osservazioni
rp_notes_saved = Osservazioni salvate.
rp_notes_changed = Nel frattempo { $by } ha salvato altre osservazioni, qui sotto. Il tuo testo è rimasto nel riquadro: salva di nuovo per sostituirle.
rp_notes_failed = Le osservazioni non sono state salvate: serve la rete. Il testo resta qui.
rp_notes_none = Nessuna osservazione per questo trimestre.
rp_notes_updated = Ultima modifica: { $when }, { $by }.
rp_doc_footer = Documento per uso interno del PUA e dei suoi organi di coordinamento: cifre aggregate, senza dati personali delle persone incontrate. Per condividere fuori dal PUA usare l'esportazione anonima.
rp_csv-figures = Cifre principali
rp_csv-seasonal = Contatti per mese e settore
rp_csv-channels = Contatti per canale
rp_csv-sectors = Contatti per settore
rp_csv-teams = Contatti per équipe
rp_csv-needs = Bisogni
rp_csv-indicators = Indicatori di sfruttamento
rp_csv-referral_needs = Invii per bisogno
rp_csv-network = Invii per ente
rp_csv-workload = Carico di lavoro
rp_csv-outcomes = Casi chiusi per esito
rp_csv-area = Contatti sul territorio
rp_csv-monitoring = Monitoraggio dei casi

# I nomi delle lingue nella lingua dell'interfaccia (le schede del centro)
language-it = Italiano
language-en = Inglese
language-fr = Francese
language-ar = Arabo
language-bn = Bengalese
language-pa = Punjabi
language-ur = Urdu
language-hi = Hindi
language-wo = Wolof
language-ff = Fula
language-bm = Bambara
language-ro = Rumeno
language-sq = Albanese
language-es = Spagnolo
language-pt = Portoghese
language-zh = Cinese
language-ti = Tigrino
language-am = Amarico
language-so = Somalo
language-tw = Twi
language-uk = Ucraino
language-ru = Russo
language-tr = Turco
language-ps = Pashto
