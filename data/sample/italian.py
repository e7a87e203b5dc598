"""Brightline Italia's phrase tables: the Italian slice of the sample, read by generate.py (data only).

Brightline Italia is fictional like its parent: its customers, agents, towns and every sentence below were
written for this project. Templates follow generate.py's rules: `[a|b]` picks one, `{slot}` draws from SLOTS.
Most themes tell an English theme's story in Italian (`mirrors`), so a multilingual encoder can put both in
one topic; the slice also plants Italian personal data (PII) and a few tickets that mix English and Italian.
"""

from __future__ import annotations

from datetime import datetime

SEED = 39_20261031  # the slice's own random stream: the English files do not move when it changes
SOURCES = ("nps", "tickets", "chats")  # theme volumes are written in this order
SIZES = {"nps": 240, "tickets": 100, "chats": 60}  # + MIXED_TICKETS mixed-language tickets, + 2 bad NPS rows
MIXED_TICKETS = 10
CUSTOMERS = 360
CHANNELS = {"nps": "nps_email", "tickets": "support_email", "chats": "web_chat"}  # tickets: also web_form
FILLER_MIX = {"nps": ["praise"] * 9 + ["neutral"] * 7 + ["complaint"] * 4, "tickets": ["howto"], "chats": ["howto"]}


def _split(table: dict[str, str]) -> dict[str, list[str]]:
    return {k: v.split("|") for k, v in table.items()}


WOMEN = "Giulia|Francesca|Martina|Elena|Valentina|Alessia|Silvia|Beatrice|Irene|Noemi|Ludovica|Arianna".split("|")
MEN = "Marco|Luca|Alessandro|Matteo|Davide|Stefano|Lorenzo|Giorgio|Tommaso|Riccardo|Emanuele|Filippo".split("|")
BIRTHPLACES = ["H501", "F205", "F839", "L219", "G273", "A944", "D612", "L736", "A662", "D969"]  # cadastral codes of towns
ABI = ["03069", "02008", "05034", "01030", "05428", "03111", "08327"]  # bank codes

SLOTS = _split({
    "town": "Valmonte|Castelrosso|Borgo San Vito|Pontelungo|Torre dei Mori|Casalbruna|Fontesecca|Montecerro|Rivalta Nuova|San Felice al Lago",
    "window": "8-13|8:00-12:00|14-18|del mattino|del pomeriggio|13-17",
    "day": "lunedì|martedì|mercoledì|giovedì|venerdì|sabato|il 14|il 21|martedì scorso|il 3",
    "amount": "24,90 €|26,90 €|27,95 €|29,90 €|31,90 €|32,50 €|34,90 €|36,90 €|39,90 €",
    "amount2": "44,90 €|49,90 €|52,00 €|54,90 €|59,90 €|62,50 €",
    "fee": "1,95 €|2,50 €|3,90 €|4,99 €|5,00 €|6,90 €", "rise": "2 €|2,99 €|3 €|4 €|4,50 €|5 €", "comp": "5 €|10 €|15 €|20 €",
    "plan": "Fibra 1 Giga|Fibra 2,5 Giga|Fibra 1 Giga|Fibra 200 Mega", "ord": "il 2|il 3|il 4|il 5|l'8", "months": "12|18|24",
    "years": "2|3|4|5|6|8|10", "mins": "25|30|35|40|45|50|60|75", "days": "3|4|5|6|8|10|12|15", "weeks": "due|tre|quattro|sei",
    "n": "due|tre|quattro|2|3", "n2": "12|27|5|41|8|19",
    "time": "le 20|le 20:30|le 21|le nove|l'ora di cena|le 21:30",
    "router": "modem|router|modem Brightline|Brightline Hub 3",
    "device": "portatile|PC del lavoro|televisore|tablet dei ragazzi|telefono|computer",
    "month": "agosto|settembre|ottobre", "team": "tecnico|amministrativo|attivazioni|fidelizzazione",
    "street": "Via dei Tigli|Via Garibaldi|Viale dei Pini|Via dei Mille|Via delle Rose|Corso Cavour|Vicolo del Pozzo",
    "flat": "interno 3|scala B, interno 12|int. 4|piano 2, interno 7",
    "agent": "Federica|Paolo|Ilaria|Gianluca|Roberta|Massimo|Elisa|Nicola",
    "first": "|".join(WOMEN + MEN),
    "last": "Colombo|Ferri|Marchetti|Rinaldi|Barbieri|Lombardi|Mancini|Caruso|Santoro|Bellini|Pellegrini|Parisi|Martini|Moretti|Ricci|Benedetti|Cattaneo|Donati|Sartori|Fabbri",
})

# Arguments of generate.theme(); volumes are items per source in SOURCES order (nps tickets chats).
THEMES = [
    dict(stage="use", kind="pain_point", name="wifi_cade_ogni_sera", keywords=["wifi", "sera", "cade", "disconnette"],
         volumes="35 14 10", nps=[0, 0, 1, 1, 2, 2, 3], evening=True, mirrors="wifi_drops_every_evening", core="""
Il wifi [cade|salta|si disconnette] tutte le sere verso {time}.
Ogni sera [il wifi|la connessione wifi] cade [puntualmente|come un orologio|senza motivo].
Dopo {time} il wifi [cade|continua a cadere] ogni pochi minuti.
La sera il wifi si disconnette e il {router} si riavvia da solo.
Non riesco a vedere [un film|la partita|niente] la sera perché il wifi [cade di continuo|continua a cadere].
Di giorno va tutto bene, ma la sera il wifi [si disconnette|cade] su tutti i dispositivi.
Le serate sono [un incubo|impossibili]: il wifi cade sul {device} ogni [mezz'ora|venti minuti].
Sono {weeks} settimane che il wifi cade tutte le sere.""", more="""
Ho riavviato il {router} ogni sera, non cambia niente.
I ragazzi la sera non riescono a fare i compiti.
Di giorno funziona, il problema è solo la sera.
Pago {amount} al mese per questo.
Il tecnico dice che la linea è a posto, quindi sarà il modem.""", short="""
wifi che cade la sera
il wifi cade ogni sera
disconnessioni continue la sera
WIFI CHE CADE OGNI SERA""", agent="""
Mi scusi per le disconnessioni serali. Vedo che il suo modem si riavvia verso le 20, quindi ho installato un aggiornamento e spostato il wifi su un canale meno affollato.
Grazie per i dettagli, ci sono molto utili. Cadute serali come queste dipendono spesso da interferenze: le spediamo un ripetitore gratuito e abbiamo programmato un test della linea.
Ci scusiamo per il disagio. Il reparto tecnico controllerà la sua linea ogni sera di questa settimana e venerdì la richiamerà con i risultati."""),

    dict(stage="billing", kind="pain_point", name="addebito_doppio", keywords=["due volte", "doppio addebito", "rimborso", "addebit"],
         volumes="15 15 12", same_amount=True, mirrors="charged_twice", core="""
Mi avete addebitato due volte la bolletta di questo mese: {amount} il 1° e di nuovo {ord}.
L'addebito diretto è stato fatto due volte, mi avete tolto {amount2} invece di {amount}.
Avete preso lo stesso pagamento due volte questo mese.
[Di nuovo|Ancora una volta] un doppio addebito, vorrei il rimborso per favore.
Sull'estratto conto vedo due addebiti di Brightline da {amount} a un giorno di distanza.
Con il doppio addebito sono andato in rosso sul conto e ora pago pure le commissioni della banca.
Sto ancora aspettando il rimborso del doppio addebito di questo mese.""", more="""
Mi avevate promesso il rimborso entro 3-5 giorni lavorativi e non è ancora arrivato.
Voglio che mi rimborsiate anche le commissioni bancarie.
Controllate l'addebito diretto, per favore, che non si ripeta.""", short="""
doppio addebito!!
addebitato due volte, voglio il rimborso
pagamento preso due volte""", agent="""
Mi scusi per il doppio addebito. Vedo il pagamento duplicato di {amount}: ho avviato il rimborso, che arriverà sul suo conto in 3-5 giorni lavorativi.
Ci scusiamo. Il secondo addebito è dovuto a un errore di sistema: lo abbiamo rimborsato e le abbiamo riconosciuto un credito di {comp} per le commissioni bancarie."""),

    dict(stage="install", kind="pain_point", name="tecnico_non_si_presenta", keywords=["tecnico", "appuntamento", "fascia", "presentato"],
         volumes="20 14 6", mirrors="missed_engineer_appointment", core="""
Il tecnico non si è [presentato|fatto vedere] all'appuntamento fissato per {day} nella fascia {window}.
Ho preso un giorno di ferie per la fascia {window} e il tecnico non è venuto: nessuna chiamata, nessun messaggio.
[Secondo|Terzo] appuntamento con il tecnico saltato di fila.
L'appuntamento con il tecnico è stato [annullato|spostato] [la sera prima|la mattina stessa] senza spiegazioni.
Ho aspettato tutto il giorno un tecnico che non è mai arrivato, poi alle 17:55 un SMS: appuntamento rinviato.
Avevate fissato la fascia {window} e il tecnico [ha chiamato alle 17|si è presentato alle 19] dicendo che oggi non poteva.
Ancora senza internet: {n} appuntamenti con il tecnico fissati e [saltati|mai rispettati].""", more="""
Ho già usato {n} giorni di ferie per aspettare.
Nel frattempo lavoro con l'hotspot del telefono.
Datemi almeno un orario preciso.
Il prossimo appuntamento libero è tra {days} giorni.""", short="""
tecnico mai arrivato
appuntamento saltato
il tecnico non si è presentato""", agent="""
Mi dispiace molto che il tecnico non sia venuto all'appuntamento. Ho segnalato il problema e fissato un nuovo appuntamento per {day} nella fascia {window}.
Ci scusiamo per l'appuntamento mancato. Le abbiamo riconosciuto un credito di {comp} e il nuovo intervento ha la priorità."""),

    dict(stage="billing", kind="pain_point", name="rincaro_fine_promozione", keywords=["promozione", "sconto", "finit", "costo"],
         volumes="25 10 6", mirrors="fee_after_promo_ended", core="""
Finita la promozione, la bolletta è passata da {amount} a {amount2}.
Nessuno mi ha avvisato che la promozione stava per finire, e la prossima bolletta costa {rise} in più.
Subito dopo la fine della promozione è comparso un [costo di gestione|costo di manutenzione linea|contributo amministrativo] di {fee}.
Dopo i {months} mesi di sconto avete aggiunto un costo di {fee} per [la bolletta cartacea|il noleggio del modem] che non ho mai accettato.
Promozione finita e all'improvviso c'è un costo in più di {fee}.
Lo sconto [è sparito|è finito] un mese prima: i {months} mesi non erano ancora passati.""", more="""
Sembra proprio una trappola.
Togliete quel costo e rimborsatemelo.
Nell'email di benvenuto non c'era scritto niente.
Che furbata.""", short="""
costo in più a fine promozione
finita la promo, bolletta più cara
nuovo costo dopo lo sconto""", agent="""
Mi scusi se la variazione non era chiara. Lo sconto promozionale è terminato con l'ultima bolletta; come gesto di cortesia ho tolto il costo di {fee} e gliel'ho rimborsato.
Ci scusiamo per la sorpresa. Quel costo non andava applicato alla sua offerta: l'ho eliminato e vedrà un accredito nella prossima bolletta."""),

    dict(stage="support", kind="pain_point", name="attesa_al_telefono", keywords=["attesa", "minuti", "operatore", "coda"],
         volumes="20 0 0", mirrors="long_hold_times", core="""
Sono rimasto in attesa {mins} minuti prima che rispondesse un operatore.
{mins} minuti in coda e poi è caduta la linea.
{mins} minuti di attesa per una domanda semplicissima.
La coda al telefono è assurda: {mins} minuti di musichetta.
Al servizio clienti ho aspettato {mins} minuti per parlare con un operatore.
Ho passato tutta la pausa pranzo in attesa al telefono.""", more="""
Poi è caduta la linea e ho dovuto ricominciare da capo.
Nessuno propone mai di richiamare.
Non ho tutto questo tempo da perdere.""", short="""
attesa troppo lunga
{mins} minuti in attesa
coda infinita al telefono""", agent="""
Mi scusi per l'attesa di oggi. In questi giorni le richieste sono molte; dalla pagina Assistenza può anche chiedere di essere richiamato, così non deve restare in linea."""),

    dict(stage="discover", kind="motivation", name="prezzo_bloccato", keywords=["prezzo bloccato", "prezzo", "garanzia", "scelto"],
         volumes="30 0 0", mirrors="price_lock_guarantee", core="""
Ho scelto Brightline perché il prezzo è bloccato: niente aumenti a metà contratto.
Ho scelto Brightline perché il prezzo [resta bloccato|è garantito] per {months} mesi.
Il prezzo bloccato [è stato decisivo|mi ha convinto|è il motivo per cui sono passato a voi].
[Mi piace|Apprezzo] che il prezzo sia bloccato per {months} mesi: nessuna brutta sorpresa.
Tutti gli altri operatori aumentano il prezzo ogni anno; con la garanzia prezzo bloccato di Brightline il mio non cambia.
Sapere che il prezzo resta bloccato per tutto il contratto [aiuta a far quadrare i conti|mi permette di organizzarmi].
[Ho confrontato diversi operatori|Ho guardato un po' di offerte] e solo voi garantivate il prezzo per tutta la durata.""", more="""
Onesto e semplice.
Proprio quello che cercavo.
Cosa rara di questi tempi.
L'ho consigliato anche ai miei genitori per lo stesso motivo.""", short="""
prezzo bloccato!
la garanzia sul prezzo
prezzo fisso, nessuna sorpresa""", agent="""
Sì, la garanzia prezzo bloccato vale per tutta la durata minima del contratto: il canone non cambia fino alla scadenza."""),

    dict(stage="discover", kind="motivation", name="velocita_smart_working", keywords=["velocità", "smart working", "upload", "gioc"],
         volumes="20 0 0", mirrors="fast_speeds_gaming_wfh", core="""
Ho scelto Brightline perché [mi serviva|cercavo] un upload veloce per lo smart working, e la {plan} mantiene le promesse.
Sono passato a voi per la velocità: [si gioca online senza lag|il ping nei giochi è bassissimo] adesso.
Lavoro in smart working [tre|quattro] giorni a settimana e vi ho scelto per la velocità: le videochiamate non si bloccano mai.
Vi ho scelto perché a {town} eravate i più veloci, e a casa [lavoriamo in smart working|giochiamo online].
Ho scelto Brightline perché la velocità in upload era la migliore: con i file pesanti dello smart working prima era un incubo.
[Mio figlio gioca|Mia figlia gioca|Gioco] online e la velocità è stata il motivo principale per cui siamo passati a voi.""", more="""
Vale ogni centesimo.
La scelta migliore dell'anno.
Un altro mondo rispetto al vecchio operatore.""", short="""
velocità per lo smart working
upload veloce
la velocità, per giocare""", agent="""
La {plan} ha un'ottima velocità in upload, quindi è perfetta per lo smart working e per il gioco online."""),

    dict(stage="support", kind="motivation", name="operatore_competente", keywords=["operat", "gentil", "risolt", "subito"],
         volumes="20 0 0", mirrors="helpful_agent_first_time", core="""
L'operatore ha risolto tutto al primo contatto.
Operatore [gentilissimo|molto preparato], sapeva esattamente cosa fare.
Risposta veloce e problema risolto in pochi minuti dall'operatore, grazie.
Operatrice [gentile|paziente] che mi ha ascoltato davvero e ha risolto il problema.
[Ottimo|Eccellente] servizio dall'operatore, problema risolto subito.
L'operatore mi ha richiamato quando aveva detto e ha sistemato tutto.""", more="""
Grazie!
Sono rimasto colpito.
Cosa rara di questi tempi.
Complimenti al vostro team.""", short="""
operatore gentile
risolto subito
molto gentili, risolto tutto""", agent="""
Grazie mille, girerò il suo commento all'operatore."""),
]

FILLER = {k: [p for line in v.strip().split("\n") for p in line.split("|")] for k, v in {
    "praise": """Servizio buono nel complesso.|Nessun problema.|Funziona bene, prezzo onesto.|Finora tutto bene.|Fa quello che promette.
Facile da gestire.|Buon rapporto qualità-prezzo.|Sono con voi da {years} anni e non ho mai avuto motivo di cambiare.|Tutto ok 👍|Ottimo
molto soddisfatto|Bene|Cliente soddisfatto.|Niente da dire.|Lo consiglierei.|Affidabile.|Conveniente rispetto ai grandi operatori.|Dieci e lode!""",
    "complaint": """Potrebbe costare meno.|Il servizio clienti va migliorato.|Troppo caro per quello che offre.|In cucina il segnale del cellulare è debole.
Troppe email promozionali.|Né bene né male.|I prezzi continuano a salire.|Il pacchetto TV non vale quello che costa.|Mah.|Il sito è macchinoso.
La musica d'attesa è insopportabile.|Le vostre email finiscono nello spam.|I costi in roaming sono stati una sorpresa.""",
    "neutral": """Va bene.|Nella media.|Niente di speciale.|Non ho mai dovuto contattarvi.|Sono cliente solo da un mese.|ok|Per ora va bene.
Darei un voto più alto se l'app avesse il tema scuro.|Non consiglio mai l'internet di casa a nessuno.|Fa il suo lavoro.|Troppo presto per dirlo.
Come tutti gli altri operatori.|Direi che va bene.|Nessuna opinione particolare.""",
    "howto": """Come faccio a cambiare nome e password del wifi?|Posso aggiungere una seconda SIM al mio contratto?|Come ottengo il codice di migrazione?
Posso spostare la data di addebito al 15 del mese?|Dove trovo il mio codice cliente?|Il Brightline Hub 3 ha il parental control?
Posso ricevere la bolletta solo via email?|Come si attiva la rete per gli ospiti?""",
}.items()}
HOWTO_ANSWER = ["Può farlo dall'app Brightline, in Impostazioni; le ho mandato un link con le istruzioni passo passo.",
                "Ho appena fatto la modifica per lei; riceverà un'email di conferma entro un'ora."]

OPENERS = ["Sinceramente, ", "A dire il vero, ", "Allora, ", "Beh, ", "Guardate, ", "In breve: ", "Onestamente "]
GREET = ["Buongiorno,", "Salve,", "Gentile Brightline,", "Buonasera,", "Spett.le Brightline,", "Ciao,", "Gentile servizio clienti,", ""]
ASK = ["Potete risolvere, per favore?", "Vi chiedo di verificare.", "Cosa intendete fare?", "Vorrei che venisse risolto al più presto.",
       "Richiamatemi, per favore.", "Mi fate sapere come procedere?"]
SIGN = ["Grazie", "Saluti", "Cordiali saluti", "Grazie mille", "Distinti saluti", "Un saluto"]
AGAIN = ["Ancora niente.", "Il problema continua.", "Novità? Sono passati {days} giorni.", "Sto ancora aspettando, nessuno mi ha richiamato.",
         "Stesso problema anche oggi.", "Non è cambiato niente dalla vostra ultima email.", "Avevate detto che a quest'ora sarebbe stato risolto."]
REPEAT = "Quindi devo rispiegare tutto da capo, [ottimo|benissimo]. [L'ho già detto al suo collega|È tutto nelle note]."
DONE = ["Ora funziona, grazie.", "Ok, grazie per aver risolto.", "Grazie, tutto a posto.", "Perfetto, grazie mille."]
ANGRY = ["Non è accettabile, farò un reclamo formale.", "Sto seriamente pensando di disdire.", "Va bene. Vedremo."]
CONTEXT = ["Sono cliente Brightline da {years} anni.", "Ho l'offerta {plan} a {town}.", "Siamo clienti solo da {month}.",
           "Sono il titolare del contratto, offerta {plan}.", "Lavoro da casa, quindi per me è importante."]
AGENT_HELLO = ["Gentile cliente,", "Buongiorno,", "Salve,"]
AGENT_OPEN = ["Grazie per averci contattato, e ci scusiamo per il disagio.", "Grazie per il suo messaggio.",
              "Mi dispiace per quanto accaduto e la ringrazio per la pazienza.", "Grazie per aver contattato il Servizio Clienti Brightline."]
AGENT_CLOSE = ["Per qualsiasi altra necessità può rispondere a questa email.", "Terrò aperta la pratica fino alla risoluzione.",
               "Restiamo a disposizione per ulteriori chiarimenti.", "Per ora non deve fare altro: la ricontatteremo noi."]
AGENT_AGAIN = ["Mi dispiace che il problema non sia ancora risolto. Ho passato la sua pratica con priorità all'ufficio {team}, che la contatterà entro 48 ore.",
               "Ci scusiamo per il ritardo. Ho aggiunto delle note alla sua scheda, così chiunque la sentirà vedrà tutta la storia.",
               "Capisco perfettamente il disagio. Ho sollecitato oggi l'ufficio {team} e ho chiesto che la richiamino."]
AGENT_SIGN = "Cordiali saluti,\n{agent}\nServizio Clienti Brightline Italia"
TEAMS = {"install": "attivazioni", "use": "tecnico", "billing": "amministrativo", "renew": "fidelizzazione"}
TEAM_DEFAULT = "assistenza clienti"
VERIFY = [
    ("mi può indicare il suo codice cliente?", ["è BL-{acct}", "BL{acct}", "codice cliente BL-{acct}", "un attimo... BL-{acct}"]),
    ("mi conferma l'indirizzo di attivazione della linea?", ["{street} {n2}", "{street} {n2}, {town}", "{street} {n2}, {flat}"]),
    ("mi dice nome e cognome dell'intestatario?", ["{first} {last}", "sono {first} {last}", "{first} {last}, sono io"]),
]
CHAT_HELLO = ["buongiorno", "salve", "Ciao"]
CHAT_GREET = ["Buongiorno, sono {agent} di Brightline. Mi dispiace per il problema. Per cominciare, {q}",
              "Grazie per l'attesa, sono {agent}. Prima di verificare, {q}", "Salve e grazie per aver contattato Brightline. Per iniziare, {q}"]
CHAT_ACK = ["Grazie. ", "Grazie, vedo la sua scheda. ", ""]
CHAT_REACT = ["quanto ci vorrà?", "avrò qualcosa indietro per il disagio?", "ok ma è la seconda volta", "grazie, speriamo bene", "ok",
              "mah, l'ho già sentita questa"]
CHAT_CLOSE = ["Posso aiutarla in qualcos'altro oggi?", "C'è altro che posso fare per lei?"]
CHAT_THANKS = ["no è tutto grazie", "Grazie", "no, grazie", "No, grazie.", "è tutto, grazie mille", "no"]
CHAT_BYE = ["Grazie per averci scritto, buona giornata.", "Chiudo la chat, ma può scriverci qui quando vuole."]
SUBJECT_PREFIX = ["", "R: ", "Re: ", "URGENTE: ", "Reclamo - "]
SUBJECTS = {"howto": "richiesta informazioni"}
FORM = "<p>Argomento: {topic}<br>Messaggio: {body}</p>"
FORM_TOPICS = {"discover": "Informazioni commerciali", "buy": "Nuovo contratto", "install": "Attivazione e installazione",
               "use": "Assistenza tecnica", "billing": "Fatture e pagamenti", "support": "Assistenza clienti", "renew": "Rinnovo e disdetta",
               None: "Altro"}
TYPOS = {"perché": "perchè", "più": "piu'", "già": "gia'", "comunque": "cmq", "è": "e'", "bolletta": "boletta",
         "appuntamento": "apuntamento", "assistenza": "assitenza", "velocità": "velocita'", "qual è": "qual'è"}

PII_KINDS = (["iban", "iban", "card", "codice_fiscale", "partita_iva", "email", "name"],
             ["phone", "phone", "email", "name", "name", "codice_fiscale", "partita_iva"])
PII_RATE = 2.5  # a smaller slice: personal data in about 11% of comments and 15% of e-mails, so every kind is there
PII = {
    "email": ["Rispondetemi a {e} e non all'indirizzo del contratto.", "La mia email è {e}.", "Potete scrivermi a {e}."],
    "phone": ["Richiamatemi al {p} [dopo le 18|quando volete].", "Il mio cellulare è {p}.", "Il numero migliore per contattarmi è {p}."],
    "name": ["Mi chiamo {first} {last}, il contratto è a mio nome.", "Buongiorno, mi chiamo {first} {last}.", "Salve, sono {first} {last}."],
    "card": ["Ho pagato con la carta {c}, se può servire.", "Il numero della carta è {c}, rimborsate lì per favore."],
    "iban": ["Per il rimborso, il mio IBAN è {i}.", "Accreditate il rimborso sul conto IBAN {i}, grazie."],
    "codice_fiscale": ["Il mio codice fiscale è {cf}.", "Codice fiscale dell'intestatario: {cf}.", "Per la verifica vi lascio il codice fiscale: {cf}."],
    "partita_iva": ["Il contratto è intestato alla mia ditta, partita IVA {piva}.", "Fattura intestata alla ditta, P.IVA {piva}, per favore.",
                    "La partita IVA dello studio è IT{piva}."],
}

# Tickets from customers who write partly in English: an English sentence, the problem in Italian, an English summary.
MIXED_THEMES = ["wifi_cade_ogni_sera", "addebito_doppio", "tecnico_non_si_presenta", "rincaro_fine_promozione"]
MIXED_INTRO = ["Sorry, my Italian is not good enough to explain this properly.", "I am writing in English as well because my Italian is still basic.",
               "Apologies for mixing languages, I only moved here last year.", "Hello, I hope it is fine to write partly in English."]
MIXED_SUMMARY = {
    "wifi_cade_ogni_sera": ["In short, the wifi drops every evening and the router restarts itself.",
                            "Basically the connection is fine during the day but keeps dropping at night."],
    "addebito_doppio": ["To be clear, you took the same payment twice this month and I would like a refund.",
                        "In other words, I was charged twice and I need the money back."],
    "tecnico_non_si_presenta": ["The engineer never came and nobody called me to explain why.",
                                "I stayed at home all day and the technician did not show up."],
    "rincaro_fine_promozione": ["The promotion ended and now there is an extra fee on my bill that nobody mentioned.",
                                "My discount finished and the bill went up without any warning."],
}

_DAYS = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"]
_MONTHS = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"]


def quote_line(local: datetime) -> str:
    """The line an Italian mail client writes above a quoted e-mail."""
    return (f"Il giorno {_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year} alle ore "
            f"{local:%H:%M} Servizio Clienti Brightline Italia ha scritto:")


def double(amount: str) -> str:
    """'29,90 €' -> '59,80 €'."""
    value = float(amount.removesuffix(" €").replace(",", "."))
    return f"{2 * value:.2f}".replace(".", ",") + " €"
