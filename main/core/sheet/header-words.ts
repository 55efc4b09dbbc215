/**
 * The column names the importer knows, in English, French, German, Spanish, Italian, Portuguese and Dutch, written as
 * keys (lowercase letters and digits: accents, spaces and punctuation dropped, so "Durée (s)" is "duree" once its
 * unit is set aside). Within a field, earlier names are preferred: when two columns could both be the name, "Name"
 * wins over "Shot", and the note says so.
 */
import type { CanonicalColumn } from './types';

export const HEADER_WORDS: Record<CanonicalColumn, readonly string[]> = {
  prompt: [
    'prompt', 'prompts', 'prompttext', 'textprompt', 'positiveprompt', 'videoprompt',
    'invite', 'consigne', 'promptvideo', // fr
    'eingabeaufforderung', 'anweisung', // de
    'indicacion', 'instruccion', 'instrucciones', // es
    'istruzione', 'istruzioni', 'richiesta', // it
    'comando', 'instrucao', 'instrucoes', // pt
    'opdracht', 'instructie', // nl
    'description', 'beschreibung', 'descripcion', 'descrizione', 'descricao', 'beschrijving', 'omschrijving',
  ],
  negative_prompt: [
    'negativeprompt', 'negativeprompts', 'negprompt', 'negativeprompttext', 'negative', 'neg',
    'promptnegatif', 'invitenegative', 'negatif', 'aeviter', // fr
    'negativprompt', 'negativerprompt', 'negativ', 'vermeiden', // de
    'promptnegativo', 'indicacionnegativa', 'negativo', 'evitar', // es, pt
    'istruzionenegativa', 'daevitare', // it
    'negatieveprompt', 'negatief', 'vermijden', // nl
  ],
  model: ['model', 'models', 'modelid', 'modelname', 'modele', 'modell', 'modelo', 'modello', 'modelnaam'],
  duration: [
    'duration', 'durations', 'length', 'seconds', 'secs', 'sec', 'durationsec', 'durationseconds', 'durationinseconds', 'cliplength',
    'duree', 'longueur', 'secondes', 'dureeensecondes', // fr
    'dauer', 'lange', 'laenge', 'sekunden', 'sek', 'dauerinsekunden', // de
    'duracion', 'segundos', 'seg', 'longitud', // es
    'durata', 'secondi', 'lunghezza', // it
    'duracao', 'comprimento', // pt
    'duur', 'lengte', 'seconden', // nl
  ],
  resolution: [
    'resolution', 'quality', 'res',
    'qualite', 'definition', // fr
    'auflosung', 'aufloesung', 'qualitat', 'qualitaet', // de
    'resolucion', 'calidad', // es
    'risoluzione', 'qualita', // it
    'resolucao', 'qualidade', // pt
    'resolutie', 'kwaliteit', // nl
  ],
  aspect_ratio: [
    'aspectratio', 'aspect', 'ratio', 'ar',
    'rapportdaspect', 'rapportdimage', 'formatdimage', 'proportions', // fr
    'seitenverhaltnis', 'seitenverhaeltnis', 'bildformat', 'bildverhaltnis', // de
    'relaciondeaspecto', 'relacionaspecto', 'proporcion', // es
    'rapportodaspetto', 'proporzioni', // it
    'proporcao', 'relacaodeaspecto', 'proporcaodetela', // pt
    'beeldverhouding', 'verhouding', 'beeldformaat', // nl
    'format', 'formato', 'formaat',
  ],
  audio: [
    'audio', 'sound', 'withaudio', 'withsound',
    'son', 'avecson', 'sonore', // fr
    'ton', 'mitton', 'mitaudio', // de
    'sonido', 'consonido', // es
    'suono', 'consuono', 'sonoro', // it
    'som', 'comsom', // pt
    'geluid', 'metgeluid', // nl
  ],
  image: [
    'image', 'imageurl', 'imagepath', 'imagefile', 'startimage', 'referenceimage', 'refimage', 'inputimage', 'startframe', 'firstframe',
    'imagededepart', 'imagedereference', 'premiereimage', // fr
    'bild', 'bildurl', 'bilddatei', 'bildpfad', 'startbild', 'referenzbild', // de
    'imagen', 'imageninicial', 'imagendereferencia', // es
    'immagine', 'immagineiniziale', 'immaginediriferimento', // it
    'imagem', 'imageminicial', 'imagemdereferencia', // pt
    'afbeelding', 'startafbeelding', 'referentieafbeelding', 'beeld', // nl
    'photo', 'foto',
  ],
  // Not "take", "prise", "toma": in a shot list that is the take's own number, not how many to make.
  takes: [
    'takes', 'variants', 'numberoftakes', 'numberofvariants', 'takecount', 'takesperrow', 'variantcount',
    'prises', 'nombredeprises', 'variantes', // fr, es, pt
    'varianten', 'anzahltakes', 'anzahlvarianten', // de, nl
    'tomas', 'numerodetomas', 'tomadas', // es, pt
    'varianti', 'numeroditake', 'numerodivarianti', // it
    'aantaltakes', 'aantalvarianten', // nl
  ],
  name: [
    'name', 'nom', 'nombre', 'nome', 'naam',
    'clipname', 'shotname', 'filename', 'outputname', 'nomduplan', 'nomdufichier', 'nomdefichier', 'dateiname', 'nombredearchivo', 'nomefile', 'nomedoarquivo', 'bestandsnaam',
    'title', 'titre', 'titel', 'titulo', 'titolo',
    'clip', 'shot', 'plan', 'einstellung', 'plano', 'inquadratura',
  ],
};

/** Words for "yes" and "no" in a cell (keys as above): the audio column and any other switch. */
export const YES_WORDS: readonly string[] = [
  'yes', 'y', 'true', '1', 'on', 'with',
  'oui', 'vrai', 'avec', // fr
  'ja', 'wahr', 'an', 'ein', 'mit', // de
  'si', 'verdadero', 'con', // es ("sí")
  'vero', // it ("sì", "con")
  'sim', 'verdadeiro', 'com', // pt
  'waar', 'aan', 'met', // nl ("ja")
];
export const NO_WORDS: readonly string[] = [
  'no', 'n', 'false', '0', 'off', 'without', 'none',
  'non', 'faux', 'sans', // fr
  'nein', 'falsch', 'aus', 'ohne', // de
  'falso', 'sin', // es, it, pt
  'senza', // it
  'nao', 'sem', // pt ("não")
  'nee', 'onwaar', 'uit', 'zonder', // nl
];
