import type { SeedDialogueTopic } from './types.js';

/**
 * Role-play topics and scenes for the AI dialogue practice. Ids are fixed UUIDs so that re-seeding upserts:
 * topics use `550e8400-e29b-41d4-a716-4466554400NN`, scenes `660e8400-e29b-41d4-a716-4466554400NN` (NN counts
 * up in hex: …09, …0a, …0b). Never reuse or renumber an id; append new ones after the highest.
 * The scenes are language-neutral: starter turns are in English and the tutor translates at runtime.
 */
export const dialogueTopics: SeedDialogueTopic[] = [
  {
    id: '550e8400-e29b-41d4-a716-446655440001',
    title: 'Greetings & Introductions',
    description: 'Say hello, introduce yourself and get to know new people.',
    icon: '👋',
    scenes: [
      {
        id: '660e8400-e29b-41d4-a716-446655440001',
        title: 'Meeting Someone New',
        description: 'You meet a friendly stranger at a language exchange café and introduce yourselves.',
        level: 'beginner',
        goal: 'Greet the other person, say your name and where you are from, and ask for theirs.',
        keyPhrases: ['hello', 'my name is', 'nice to meet you'],
        tags: ['greetings', 'introductions', 'small-talk'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are Sam, a friendly regular at a language exchange café. The learner has just sat down at your table. Keep sentences short and simple, and ask one question at a time.',
            lang: 'en',
          },
          {
            role: 'npc',
            text: "Hi there! I don't think we've met before. I'm Sam. What's your name?",
            lang: 'en',
          },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-446655440002',
        title: 'Asking About Someone',
        description:
          "At a friend's birthday party you chat with another guest about work, hobbies and family.",
        level: 'intermediate',
        goal: "Keep a conversation going by asking follow-up questions about the other person's job, hobbies and family.",
        keyPhrases: ['what do you do', 'how long have you', 'in my free time', 'do you have any'],
        tags: ['introductions', 'small-talk', 'hobbies', 'family'],
        starterTurns: [
          {
            role: 'system',
            text: "Role-play: you are Alex, a guest at a mutual friend's birthday party. You work as a nurse, love hiking and have a younger sister. Answer naturally and ask the learner questions back.",
            lang: 'en',
          },
          {
            role: 'npc',
            text: "Great party, isn't it? So how do you know Maria? Do you work together?",
            lang: 'en',
          },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-446655440004',
        title: 'Networking at a Conference',
        description:
          'During a coffee break at a professional conference you introduce yourself to a potential partner.',
        level: 'advanced',
        goal: 'Introduce yourself professionally, describe your role and company, and arrange to stay in touch.',
        keyPhrases: [
          'let me introduce myself',
          'i am responsible for',
          'we specialise in',
          'shall we exchange contact details',
        ],
        tags: ['introductions', 'business', 'formal', 'networking'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are Dr Laura Chen, head of partnerships at a mid-sized logistics company, attending an industry conference. Use a polite, formal register and probe for business details.',
            lang: 'en',
          },
          {
            role: 'npc',
            text: 'Good morning. I noticed you at the panel on supply chains earlier. May I ask which company you are with?',
            lang: 'en',
          },
        ],
      },
    ],
  },
  {
    id: '550e8400-e29b-41d4-a716-446655440002',
    title: 'At the Restaurant',
    description: 'Book a table, order food and drinks, and deal with the bill.',
    icon: '🍽️',
    scenes: [
      {
        id: '660e8400-e29b-41d4-a716-446655440003',
        title: 'Ordering a Meal',
        description:
          'You sit down at a small local restaurant and order a starter, a main course and a drink.',
        level: 'beginner',
        goal: 'Order a starter, a main course and a drink politely, then ask for the bill.',
        keyPhrases: ["i'd like", 'the menu, please', 'to drink', 'the bill, please'],
        tags: ['restaurant', 'food', 'ordering'],
        starterTurns: [
          {
            role: 'system',
            text: "Role-play: you are a friendly waiter at a small family restaurant. Offer the menu, suggest the dish of the day and take the learner's order. Keep your language simple.",
            lang: 'en',
          },
          {
            role: 'npc',
            text: 'Good evening, welcome! Here is the menu. Would you like something to drink first?',
            lang: 'en',
          },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-446655440005',
        title: 'Booking a Table',
        description: 'You phone a popular restaurant to reserve a table for a special occasion.',
        level: 'intermediate',
        goal: 'Reserve a table for a given day, time and number of people, and mention a dietary requirement.',
        keyPhrases: ['i would like to book', 'a table for', 'at what time', 'is it possible to'],
        tags: ['restaurant', 'booking', 'telephone'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are the host at a busy restaurant answering the phone. Saturday at 8 pm is fully booked, but 7 pm and 9:30 pm are free. Ask for the name, number of guests and any allergies.',
            lang: 'en',
          },
          { role: 'npc', text: 'Good afternoon, La Terrazza, how can I help you?', lang: 'en' },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-446655440006',
        title: 'Sorting Out a Problem',
        description:
          'Your dish arrives cold and is not what you ordered. You raise it politely with the manager.',
        level: 'advanced',
        goal: 'Explain the problem diplomatically, reject an unsuitable offer and negotiate a fair solution.',
        keyPhrases: [
          "i'm afraid there's been a mistake",
          'this is not what i ordered',
          'would it be possible',
          'i would appreciate',
        ],
        tags: ['restaurant', 'complaints', 'negotiation'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are the restaurant manager. You are polite but first offer only to reheat the dish; concede a replacement or a discount only if the learner argues politely and clearly.',
            lang: 'en',
          },
          {
            role: 'npc',
            text: "Good evening, I'm the manager. The waiter said there was a problem with your meal?",
            lang: 'en',
          },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-446655440010',
        title: 'Paying the Bill',
        description: 'At the end of a meal with a friend you ask for the bill, split it and leave a tip.',
        level: 'beginner',
        goal: 'Ask for the bill, say how you want to pay and split it with your friend.',
        keyPhrases: ['the bill, please', 'can i pay by card', 'we would like to split', 'keep the change'],
        tags: ['restaurant', 'paying', 'numbers'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a friendly waiter clearing the table after a meal for two. The total is 42 euros; card and cash are both fine. Keep your language simple and confirm the amounts.',
            lang: 'en',
          },
          { role: 'npc', text: 'Did you enjoy your meal? Can I get you anything else?', lang: 'en' },
        ],
      },
    ],
  },
  {
    id: '550e8400-e29b-41d4-a716-446655440003',
    title: 'Shopping',
    description: 'Buy clothes and groceries, ask about prices and sizes, and return items.',
    icon: '🛍️',
    scenes: [
      {
        id: '660e8400-e29b-41d4-a716-446655440007',
        title: 'Buying Clothes',
        description: 'You are looking for a jacket in a clothes shop and need help with size and colour.',
        level: 'beginner',
        goal: 'Ask for an item in your size and colour, try it on and ask how much it costs.',
        keyPhrases: ['how much is', 'do you have this in', 'can i try it on', 'my size is'],
        tags: ['shopping', 'clothes', 'prices'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a shop assistant in a clothes shop. Jackets come in black, blue and green, sizes S to XL, and cost 60 euros. Be helpful and use simple language.',
            lang: 'en',
          },
          { role: 'npc', text: 'Hello! Can I help you find anything today?', lang: 'en' },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-446655440008',
        title: 'At the Market',
        description: 'You shop for fruit, vegetables and cheese at an open-air market.',
        level: 'intermediate',
        goal: 'Buy specific quantities of three products, compare prices and ask for a recommendation.',
        keyPhrases: ['a kilo of', 'how much does it cost', 'what do you recommend', "that's all, thank you"],
        tags: ['shopping', 'food', 'market', 'quantities'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a chatty stallholder at an open-air market selling fruit, vegetables and local cheese. Prices are per kilo; recommend the seasonal produce and offer a taste.',
            lang: 'en',
          },
          {
            role: 'npc',
            text: "Good morning! Everything's fresh today, the strawberries are wonderful. What can I get you?",
            lang: 'en',
          },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-446655440009',
        title: 'Returning a Faulty Item',
        description: 'The headphones you bought last week have stopped working and you want your money back.',
        level: 'advanced',
        goal: 'Explain what is wrong, insist politely on a refund rather than store credit, and refer to your rights.',
        keyPhrases: [
          'i bought this last week',
          'it stopped working',
          "i'd prefer a refund",
          'here is the receipt',
        ],
        tags: ['shopping', 'complaints', 'returns', 'negotiation'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a customer service assistant in an electronics shop. Store policy prefers store credit; offer a refund only if the learner persists and has a receipt.',
            lang: 'en',
          },
          { role: 'npc', text: 'Hi, welcome to customer service. What seems to be the problem?', lang: 'en' },
        ],
      },
    ],
  },
  {
    id: '550e8400-e29b-41d4-a716-446655440004',
    title: 'Travel & Directions',
    description: 'Find your way around, buy tickets and check in to your accommodation.',
    icon: '🧭',
    scenes: [
      {
        id: '660e8400-e29b-41d4-a716-44665544000a',
        title: 'Asking for Directions',
        description: 'You are lost in a new city and ask a passer-by how to get to the museum.',
        level: 'beginner',
        goal: 'Ask where a place is, understand left, right and straight on, and check how far it is.',
        keyPhrases: ['excuse me', 'where is', 'turn left', 'is it far'],
        tags: ['travel', 'directions', 'city'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a helpful local in the city centre. The museum is straight ahead, second street on the left, about ten minutes on foot. Give directions in short steps.',
            lang: 'en',
          },
          { role: 'npc', text: 'You look a bit lost. Can I help you?', lang: 'en' },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-44665544000b',
        title: 'Buying a Train Ticket',
        description: 'At the station ticket office you buy a ticket for a day trip to another city.',
        level: 'intermediate',
        goal: 'Buy the right ticket, choosing single or return and a departure time, and find out the platform.',
        keyPhrases: ['a return ticket to', 'what time does', 'which platform', 'do i need to change'],
        tags: ['travel', 'transport', 'tickets'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a clerk at a railway ticket office. Trains leave at 9:15 (direct, 45 euros return) and 9:40 (one change, 32 euros return). Ask about return dates and railcards.',
            lang: 'en',
          },
          { role: 'npc', text: 'Next, please! Where are you travelling to today?', lang: 'en' },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-44665544000c',
        title: 'Checking In at a Hotel',
        description: 'You arrive at your hotel and discover there is a problem with your booking.',
        level: 'advanced',
        goal: 'Check in, resolve a mix-up with your reservation and ask about breakfast and check-out times.',
        keyPhrases: [
          'i have a reservation',
          'under the name',
          'there seems to be a problem',
          'what time is check-out',
        ],
        tags: ['travel', 'hotel', 'problem-solving'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are the hotel receptionist. The learner booked a double room with a view, but the system shows a single room. Apologise and offer alternatives: an upgrade for a fee or a free breakfast.',
            lang: 'en',
          },
          {
            role: 'npc',
            text: 'Good evening and welcome to the Hotel Central. Do you have a reservation with us?',
            lang: 'en',
          },
        ],
      },
    ],
  },
  {
    id: '550e8400-e29b-41d4-a716-446655440005',
    title: 'At the Doctor',
    description: 'Describe symptoms, get medicine at the pharmacy and book appointments.',
    icon: '🩺',
    scenes: [
      {
        id: '660e8400-e29b-41d4-a716-44665544000d',
        title: 'At the Pharmacy',
        description: 'You have a headache and a sore throat and ask the pharmacist for something to help.',
        level: 'beginner',
        goal: 'Say what hurts, ask for medicine and understand how often to take it.',
        keyPhrases: ['i have a headache', 'my throat hurts', 'how many times a day', 'thank you'],
        tags: ['health', 'pharmacy', 'body'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a kind pharmacist. Ask simple questions about the symptoms and any allergies, then recommend throat lozenges and painkillers, three times a day after meals.',
            lang: 'en',
          },
          { role: 'npc', text: 'Hello, what can I do for you today?', lang: 'en' },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-44665544000e',
        title: 'Describing Symptoms',
        description: 'You visit a GP because you have been feeling unwell for several days.',
        level: 'intermediate',
        goal: "Describe your symptoms, say how long you have had them and answer the doctor's questions.",
        keyPhrases: ["i've been feeling", 'since', 'it hurts when', 'do i need'],
        tags: ['health', 'doctor', 'symptoms'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a general practitioner. Ask about the symptoms, when they started, fever, sleep and medication. Conclude it is probably the flu and give advice.',
            lang: 'en',
          },
          { role: 'npc', text: 'Come in and have a seat. So, what brings you here today?', lang: 'en' },
        ],
      },
      {
        id: '660e8400-e29b-41d4-a716-44665544000f',
        title: 'Booking an Appointment',
        description:
          'You call a busy clinic to book an appointment with a specialist and need to fit it around work.',
        level: 'advanced',
        goal: 'Book a suitable appointment, explain why it is urgent and negotiate an earlier slot.',
        keyPhrases: [
          'i would like to make an appointment',
          'is there anything earlier',
          "it's rather urgent",
          'could you put me on the waiting list',
        ],
        tags: ['health', 'telephone', 'appointments', 'negotiation'],
        starterTurns: [
          {
            role: 'system',
            text: 'Role-play: you are a receptionist at a busy specialist clinic. The first slot is in three weeks; offer a cancellation slot tomorrow at 8 am only if the learner explains why it is urgent.',
            lang: 'en',
          },
          {
            role: 'npc',
            text: 'Good morning, Riverside Clinic, this is Jenny speaking. How can I help?',
            lang: 'en',
          },
        ],
      },
    ],
  },
];
