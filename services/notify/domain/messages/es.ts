import type { MessageKey } from './en.ts';

/** Correos de reclamación y recordatorios, español (ICU MessageFormat). */
export const es: Record<MessageKey, string> = {
  subject: '{issuer} te ha otorgado «{achievement}»',
  reminderSubject: 'Recordatorio: tu credencial «{achievement}» de {issuer} te espera',
  greeting: 'Hola, {name}:',
  greetingNoName: 'Hola:',
  awarded: '{issuer} te ha otorgado la credencial digital',
  awardedText: '{issuer} te ha otorgado la credencial digital «{achievement}».',
  reminderIntro:
    'Un recordatorio: {issuer} te otorgó la credencial digital «{achievement}» hace {days, plural, one {# día} other {# días}} y todavía no la has reclamado.',
  claimButton: 'Reclama tu credencial',
  claimHere: 'Reclámala aquí:',
  pasteLink: 'O copia este enlace en tu navegador:',
  personal:
    'Este enlace es personal y funciona hasta el {expires, date, long}. Una vez reclamada, tu credencial tiene su propia página, que puedes compartir y que cualquiera puede verificar.',
  unsubscribe: 'No quiero más recordatorios de esta credencial',
  unsubscribeText: 'Para dejar de recibir recordatorios de esta credencial:',
  sentBy: 'Enviado por {issuer} a través de su servicio de credenciales digitales.',
};
