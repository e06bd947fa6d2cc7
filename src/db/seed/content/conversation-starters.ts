import type { PROFICIENCY_LEVELS } from '../../columns.js';

type Level = (typeof PROFICIENCY_LEVELS)[number];

/**
 * Conversation starters per target language and level (`chat.getConversationStarters`). Spanish keeps
 * the app's original lists (api-contract §3.6); the other seeded languages get the same situations.
 */
export const conversationStarters: Record<string, Record<Level, string[]>> = {
  es: {
    beginner: ['¡Hola! ¿Cómo estás?', '¿Cómo te llamas?', '¿De dónde eres?', '¿Qué te gusta hacer?'],
    intermediate: [
      '¿Qué hiciste el fin de semana pasado?',
      '¿Cuál es tu comida favorita y por qué?',
      'Háblame de tu ciudad.',
    ],
    advanced: [
      '¿Qué opinas sobre el impacto de la tecnología en la educación?',
      'Si pudieras cambiar algo del mundo, ¿qué sería?',
      '¿Cómo crees que será el trabajo dentro de veinte años?',
    ],
  },
  fr: {
    beginner: [
      'Bonjour ! Comment ça va ?',
      "Comment tu t'appelles ?",
      "D'où viens-tu ?",
      "Qu'aimes-tu faire ?",
    ],
    intermediate: [
      "Qu'as-tu fait le week-end dernier ?",
      'Quel est ton plat préféré, et pourquoi ?',
      'Parle-moi de ta ville.',
    ],
    advanced: [
      "Que penses-tu de l'impact de la technologie sur l'éducation ?",
      'Si tu pouvais changer une chose dans le monde, que changerais-tu ?',
      'À quoi ressemblera le travail dans vingt ans, selon toi ?',
    ],
  },
  de: {
    beginner: ['Hallo! Wie geht es dir?', 'Wie heißt du?', 'Woher kommst du?', 'Was machst du gern?'],
    intermediate: [
      'Was hast du letztes Wochenende gemacht?',
      'Was ist dein Lieblingsessen und warum?',
      'Erzähl mir von deiner Stadt.',
    ],
    advanced: [
      'Was hältst du vom Einfluss der Technologie auf die Bildung?',
      'Wenn du eine Sache auf der Welt ändern könntest, welche wäre das?',
      'Wie wird die Arbeit in zwanzig Jahren aussehen?',
    ],
  },
  it: {
    beginner: ['Ciao! Come stai?', 'Come ti chiami?', 'Di dove sei?', 'Che cosa ti piace fare?'],
    intermediate: [
      'Che cosa hai fatto lo scorso fine settimana?',
      'Qual è il tuo piatto preferito e perché?',
      'Parlami della tua città.',
    ],
    advanced: [
      "Che cosa pensi dell'impatto della tecnologia sull'istruzione?",
      'Se potessi cambiare una cosa nel mondo, che cosa cambieresti?',
      'Come sarà il lavoro tra vent’anni, secondo te?',
    ],
  },
  pt: {
    beginner: [
      'Olá! Como você está?',
      'Como você se chama?',
      'De onde você é?',
      'O que você gosta de fazer?',
    ],
    intermediate: [
      'O que você fez no fim de semana passado?',
      'Qual é a sua comida favorita e por quê?',
      'Fale-me sobre a sua cidade.',
    ],
    advanced: [
      'O que você acha do impacto da tecnologia na educação?',
      'Se pudesse mudar uma coisa no mundo, o que mudaria?',
      'Como será o trabalho daqui a vinte anos?',
    ],
  },
  ja: {
    beginner: [
      'こんにちは！お元気ですか？',
      'お名前は何ですか？',
      'どこから来ましたか？',
      '趣味は何ですか？',
    ],
    intermediate: [
      '先週末は何をしましたか？',
      '好きな食べ物は何ですか？どうしてですか？',
      'あなたの町について教えてください。',
    ],
    advanced: [
      'テクノロジーが教育に与える影響についてどう思いますか？',
      '世界で一つ変えられるとしたら、何を変えますか？',
      '二十年後、仕事はどうなっていると思いますか？',
    ],
  },
  en: {
    beginner: ['Hi! How are you?', "What's your name?", 'Where are you from?', 'What do you like to do?'],
    intermediate: [
      'What did you do last weekend?',
      "What's your favourite food, and why?",
      'Tell me about your city.',
    ],
    advanced: [
      'What do you think about the impact of technology on education?',
      'If you could change one thing in the world, what would it be?',
      'What will work look like in twenty years?',
    ],
  },
};
